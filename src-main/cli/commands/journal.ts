import type { ApiClient } from '../../api/contract.js';
import { journalToCsv } from '../../core/journal/record.js';
import { formatBytes, formatDuration } from '../../core/util/format.js';
import { EXIT, parse, UsageError } from '../args.js';
import { cell } from '../output.js';

/** `walt-bench journal [--csv|--json] [--limit N]`: exports the flash journal. */
export async function journalCommand(api: ApiClient, argv: string[]): Promise<number> {
  const { values } = parse(argv, { csv: { type: 'boolean' }, json: { type: 'boolean' }, limit: { type: 'string' } }, false);
  if (values.csv && values.json) throw new UsageError('choose one of --csv and --json');
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError('--limit takes a positive whole number');
  const { records, skippedLines } = await api.call('journal.list', limit === undefined ? {} : { limit });
  if (skippedLines.length > 0) {
    process.stderr.write(`walt-bench: journal lines ${skippedLines.join(', ')} are damaged and were skipped\n`);
  }
  if (values.csv) process.stdout.write(journalToCsv(records));
  else if (values.json) process.stdout.write(JSON.stringify(records, null, 2) + '\n');
  else {
    console.log(`${cell('TIME', 20)} ${cell('DEVICE', 13)} ${cell('RESULT', 11)} ${cell('BYTES', 10)} ${cell('TIME', 7)} IMAGE`);
    for (const r of records) {
      const result = r.result === 'ok' ? (r.verified ? 'ok+verif' : 'ok') : r.result;
      console.log(
        `${cell(r.time.replace('T', ' ').slice(0, 19), 20)} ${cell(r.device, 13)} ${cell(result, 11)} ${cell(formatBytes(r.bytes), 10)} ${cell(formatDuration(r.durationMs / 1000), 7)} ${r.imageName}${r.error ? `\n${' '.repeat(22)}${r.error}` : ''}`,
      );
    }
  }
  return EXIT.ok;
}
