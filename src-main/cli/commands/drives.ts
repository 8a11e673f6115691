import type { ApiClient } from '../../api/contract.js';
import { formatBytes } from '../../core/util/format.js';
import { EXIT, parse } from '../args.js';
import { cell, jsonLine } from '../output.js';
import { resolve } from 'node:path';

/** `walt-bench drives [--json] [--image FILE]`: every drive with its eligibility and the reasons. */
export async function drivesCommand(api: ApiClient, argv: string[]): Promise<number> {
  const { values } = parse(argv, { json: { type: 'boolean' }, image: { type: 'string' } }, false);
  const drives = await api.call('drives.list', values.image ? { image: resolve(values.image) } : {});
  if (values.json) {
    jsonLine(drives);
    return EXIT.ok;
  }
  if (drives.length === 0) {
    console.log('no drives found');
    return EXIT.ok;
  }
  console.log(`${cell('DEVICE', 14)} ${cell('SIZE', 9)} ${cell('TARGET', 8)} DESCRIPTION`);
  for (const d of drives) {
    const target = d.eligible ? (d.needsConfirm ? 'confirm' : 'yes') : 'no';
    console.log(`${cell(d.device, 14)} ${cell(d.size ? formatBytes(d.size) : '-', 9)} ${cell(target, 8)} ${d.description}`);
    for (const r of d.reasons) console.log(`${' '.repeat(16)}${r.severity === 'block' ? 'x' : r.severity === 'confirm' ? '?' : '!'} ${r.message}`);
  }
  return EXIT.ok;
}
