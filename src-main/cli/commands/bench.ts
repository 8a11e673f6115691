import { resolve } from 'node:path';
import type { ApiClient } from '../../api/contract.js';
import { EXIT, parse, UsageError } from '../args.js';
import { jsonLine } from '../output.js';
import { ifaceOrSetting } from '../setting-defaults.js';
import { untilStopped } from '../stop-signals.js';


/** `walt-bench bench [--iface IF] [--observe|--serve] [--root DIR] [--json]`: runs the bench service, prints events. */
export async function benchCommand(api: ApiClient, argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    iface: { type: 'string', short: 'i' },
    observe: { type: 'boolean' },
    serve: { type: 'boolean' },
    root: { type: 'string' },
    json: { type: 'boolean' },
  }, false);
  if (values.observe && values.serve) throw new UsageError('choose one of --observe and --serve');
  if (values.observe && values.root) throw new UsageError('--root serves files: it goes with --serve');
  const iface = await ifaceOrSetting(api, values.iface);
  const mode = values.observe ? 'observe' : 'serve';
  const json = Boolean(values.json);
  const out = (event: string, payload: Record<string, unknown>, text: string): void => {
    if (json) jsonLine({ event, ...payload });
    else process.stdout.write(text + '\n');
  };
  const off = [
    api.on('bench.status', (s) => out('status', s, s.message)),
    api.on('bench.dhcp', (d) =>
      out('dhcp', d, d.direction === 'client'
        ? `DHCP ${d.type} from ${d.mac}: vci=${d.vendorClass ?? '-'} uci=${d.userClass?.join(',') ?? '-'} arch=${d.clientArch?.join(',') ?? '-'}${d.answered === null ? '' : d.answered ? ` -> ${d.reason}` : ` -> ignored: ${d.reason}`}`
        : `DHCP ${d.type} to ${d.mac} from ${d.serverId ?? '?'}: ip=${d.yourIp} next-server=${d.nextServer ?? '-'} file=${d.bootFile ?? '-'}`),
    ),
    api.on('bench.tftp', (t) =>
      out('tftp', t, `TFTP ${t.clientIp} ${t.filename}: ${t.result}${t.servedFrom ? ` (${t.servedFrom})` : ''}${t.result === 'complete' ? `, ${t.bytes} bytes in ${t.durationMs} ms` : ''}${t.message ? `: ${t.message}` : ''}`),
    ),
  ];
  try {
    await api.call('bench.start', { iface, mode, ...(values.root ? { root: resolve(values.root) } : {}) });
    if (json) jsonLine({ event: 'ready' });
    await untilStopped();
    await api.call('bench.stop', {});
  } finally {
    for (const f of off) f();
  }
  return EXIT.ok;
}
