import type { CommandOutput } from '../../api/contract.js';
import type { Dispatcher, Handlers } from '../../api/dispatcher.js';
import { ApiError } from '../../api/errors.js';
import type { PathGuard } from '../access/path-guard.js';
import { BenchService, type DhcpSighting } from './bench-service.js';
import { listLinks } from './net-interface.js';
import type { TftpEvent } from './tftp-server.js';

/** The commands of the bench service. */
export type BenchCommandName = 'bench.start' | 'bench.stop' | 'bench.status' | 'bench.interfaces';

/** Holds the one bench of this process (one desk link at a time). */
export class BenchHolder {
  /** The guard an image root goes through (null: no checks, unit tests only). */
  constructor(readonly guard: PathGuard | null = null) {}

  service: BenchService | null = null;
  mode: 'observe' | 'serve' | null = null;
  root: string | null = null;

  /** The state for the API. */
  state(): CommandOutput<'bench.status'> {
    const link = this.service?.deskLink ?? null;
    return {
      running: this.service !== null,
      iface: link?.name ?? null,
      ip: link?.ip ?? null,
      mode: this.mode,
      root: this.root,
      dropped: this.service?.dropped() ?? null,
    };
  }

  /** Stops the bench if it runs. */
  async stop(): Promise<void> {
    await this.service?.stop();
    this.service = null;
    this.mode = null;
    this.root = null;
  }
}

/** Starts the one bench of this process, its events going out through `emit`. */
export async function startBench(
  holder: BenchHolder,
  emit: Dispatcher['emit'],
  options: { iface: string; mode: 'observe' | 'serve'; root?: string | undefined },
): Promise<BenchService> {
  if (holder.service) throw new ApiError('refused', `the bench already runs on ${holder.state().iface}: stop it first`);
  // The image root is resolved once and must be a folder the caller may read: the TFTP server (root, when bound to
  // port 69 by the helper) serves its canonical path, not whatever the given name points to later.
  const root = options.root === undefined ? null : (holder.guard?.servedFolder(options.root).real ?? options.root);
  const service = new BenchService({ iface: options.iface, mode: options.mode, root });
  service.on('dhcp', (s: DhcpSighting) => emit('bench.dhcp', s));
  service.on('tftp', (t: TftpEvent) => emit('bench.tftp', t));
  service.on('status', (message: string) => emit('bench.status', { message }));
  await service.start();
  holder.service = service;
  holder.mode = options.mode;
  holder.root = options.root ?? null;
  return service;
}

/** Handlers of the bench commands; events go out through `emit`. */
export function benchHandlers(holder: BenchHolder, emit: Dispatcher['emit']): Pick<Handlers, BenchCommandName> {
  return {
    'bench.start': async (options) => {
      await startBench(holder, emit, options);
      return holder.state();
    },
    'bench.stop': async () => {
      await holder.stop();
      return holder.state();
    },
    'bench.status': async () => holder.state(),
    'bench.interfaces': async () => listLinks(),
  };
}
