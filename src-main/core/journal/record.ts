/** One card attempt, as written to the journal. */
export interface JournalRecord {
  /** ISO time the attempt started. */
  time: string;
  device: string;
  size: number | null;
  description: string;
  serial: string | null;
  imageName: string;
  /** sha256 of the image file as given (what the technician downloaded). */
  imageSha256: string | null;
  bytes: number;
  durationMs: number;
  /** Average write speed in bytes per second (write phase + verify). */
  averageSpeed: number;
  verified: boolean;
  result: 'ok' | 'failed' | 'cancelled';
  error: string | null;
}

/** Column order of the CSV export. */
export const JOURNAL_COLUMNS: (keyof JournalRecord)[] = [
  'time',
  'device',
  'size',
  'description',
  'serial',
  'imageName',
  'imageSha256',
  'bytes',
  'durationMs',
  'averageSpeed',
  'verified',
  'result',
  'error',
];

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  // Cells starting with = + - @ are neutralised so a spreadsheet never runs them as formulas.
  const safe = /^[=+\-@]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Renders records as RFC 4180 CSV with a header line. */
export function journalToCsv(records: JournalRecord[]): string {
  const lines = [JOURNAL_COLUMNS.join(',')];
  for (const r of records) lines.push(JOURNAL_COLUMNS.map((c) => csvCell(r[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}

/**
 * Parses journal text (JSON lines). A torn last line (a crash mid-append) or a corrupt line is skipped and counted,
 * never fatal: the records before and after it are kept.
 */
export function parseJournal(text: string): { records: JournalRecord[]; skipped: number[] } {
  const records: JournalRecord[] = [];
  const skipped: number[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const value = JSON.parse(line) as JournalRecord;
      if (typeof value === 'object' && value !== null && typeof value.device === 'string') records.push(value);
      else skipped.push(i + 1);
    } catch {
      skipped.push(i + 1);
    }
  });
  return { records, skipped };
}
