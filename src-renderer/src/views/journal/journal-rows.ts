import type { JournalRecordData } from '../../../../src-main/api/contract.js';
import { journalToCsv, type JournalRecord } from '../../../../src-main/core/journal/record.js';

/**
 * What a row's attempt came to: ok, failed, cancelled; a journal that records attempts as they start also has
 * 'in-progress' (its process still writes) and 'interrupted' (started, never finished: a crash mid-write).
 */
export type RowResult = 'ok' | 'failed' | 'cancelled' | 'interrupted' | 'in-progress';

/** The result of a record; tolerates the states of a newer journal, and an unknown one is shown as interrupted. */
export function rowResult(r: { result: string }): RowResult {
  switch (r.result) {
    case 'ok':
    case 'failed':
    case 'cancelled':
    case 'interrupted':
    case 'in-progress':
      return r.result;
    default:
      return 'interrupted';
  }
}

/** The rows' filter: free text over device, card, serial, image and error, and one result or all. */
export interface JournalFilter {
  text: string;
  result: RowResult | 'all';
}

/** The records the filter keeps, in their order. */
export function filterRecords(records: readonly JournalRecordData[], f: JournalFilter): JournalRecordData[] {
  const words = f.text.toLowerCase().split(/\s+/).filter(Boolean);
  return records.filter((r) => {
    if (f.result !== 'all' && rowResult(r) !== f.result) return false;
    if (words.length === 0) return true;
    const hay = [r.device, r.description, r.serial ?? '', r.imageName, r.imageSha256 ?? '', r.error ?? '', r.result, r.time].join(' ').toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** The export the CLI writes (`walt-bench journal --csv` / `--json`) for these records, oldest first like the CLI. */
export function exportText(records: readonly JournalRecordData[], format: 'csv' | 'json'): string {
  const oldestFirst = [...records].sort((a, b) => a.time.localeCompare(b.time));
  return format === 'csv' ? journalToCsv(oldestFirst as JournalRecord[]) : JSON.stringify(oldestFirst, null, 2) + '\n';
}
