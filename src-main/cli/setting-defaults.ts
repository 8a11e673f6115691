import type { ApiClient } from '../api/contract.js';
import { UsageError } from './args.js';

/**
 * The desk link for bench/check: --iface when given, else the bench-interface setting; neither is a usage error
 * that says both ways out.
 */
export async function ifaceOrSetting(api: ApiClient, given: string | undefined): Promise<string> {
  if (given) return given;
  const { benchIface } = await api.call('settings.get', {});
  if (benchIface) return benchIface;
  throw new UsageError('name the desk link with --iface (e.g. --iface eth1), or set a default bench interface in Settings');
}

/** The console's speed: --baud when given (a whole number), else the default-baud setting. */
export async function baudOrSetting(api: ApiClient, given: string | undefined): Promise<number> {
  if (given === undefined) return (await api.call('settings.get', {})).defaultBaud;
  const baud = Number(given);
  if (!Number.isInteger(baud) || baud <= 0) throw new UsageError('--baud takes a whole number');
  return baud;
}
