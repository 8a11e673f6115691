import { assertNever } from '../util/assert-never.js';

/** What a card attempt came to. 'interrupted': started, never finished, its process gone (a crash, kill -9, power). */
export type JournalResult = 'ok' | 'failed' | 'cancelled' | 'interrupted' | 'in-progress';

/**
 * How a card was written: 'sparse' (only the blocks the image's filesystems use, or a built card's regions), 'bmap'
 * (only the ranges of the image's bmap, checked against it) or 'full' (every byte).
 */
export type WriteMode = 'sparse' | 'bmap' | 'full';

/** One card attempt, as the journal shows it. */
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
  /** Bytes written to the card (so far, for an attempt that did not finish). */
  bytes: number;
  durationMs: number;
  /** Average write speed in bytes per second (write phase + verify). */
  averageSpeed: number;
  verified: boolean;
  result: JournalResult;
  error: string | null;
  /** How the card was written (absent in journals written before sparse writes). */
  mode?: WriteMode;
}

/** The record fields every line of one attempt can carry. */
type AttemptFields = Omit<JournalRecord, 'result'>;

/**
 * One line of the journal file. An attempt is journaled as a 'started' line (fsynced before its first byte),
 * 'progress' checkpoints, and a finished line (a whole record, as older journals hold) that completes it; all three
 * share the attempt's id. `process` names the process that writes it, so a reader can tell a running attempt from
 * one whose process died.
 */
export type JournalLine =
  | (AttemptFields & { attempt: string; result: 'started'; process: string })
  | { attempt: string; result: 'progress'; bytes: number; durationMs: number; averageSpeed: number; imageSha256?: string | null }
  | (AttemptFields & { attempt?: string; result: 'ok' | 'failed' | 'cancelled' });

/** What an interrupted attempt's record says. */
export const INTERRUPTED =
  'interrupted: walt-bench stopped before this card finished (a crash, kill -9 or power loss): the card holds part of the image, write it again';

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
  'mode',
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

function asLine(value: unknown): JournalLine | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (v.result === 'progress') {
    return typeof v.attempt === 'string' && typeof v.bytes === 'number' ? (v as unknown as JournalLine) : null;
  }
  if (typeof v.device !== 'string' || typeof v.time !== 'string') return null;
  if (v.result === 'started') return typeof v.attempt === 'string' ? (v as unknown as JournalLine) : null;
  return v.result === 'ok' || v.result === 'failed' || v.result === 'cancelled' ? (v as unknown as JournalLine) : null;
}

/** A line that failed to parse: a torn prefix (a crash mid-append) may hold a whole line after it. */
function salvage(line: string): JournalLine | null {
  for (let at = line.indexOf('{', 1); at > 0; at = line.indexOf('{', at + 1)) {
    try {
      const found = asLine(JSON.parse(line.slice(at)));
      if (found) return found;
    } catch {
      // not a whole line from here: try the next brace
    }
  }
  return null;
}

/**
 * Parses journal text (JSON lines). A torn or corrupt line is skipped and its number reported, never fatal; a whole
 * line appended onto a torn one (by a writer that did not start on a fresh line) is still recovered.
 */
export function parseJournalLines(text: string): { lines: JournalLine[]; skipped: number[] } {
  const lines: JournalLine[] = [];
  const skipped: number[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let line: JournalLine | null = null;
    try {
      line = asLine(JSON.parse(raw));
    } catch {
      line = salvage(raw);
      skipped.push(i + 1);
      if (line) lines.push(line);
      return;
    }
    if (line) lines.push(line);
    else if (!isAuditLine(raw)) skipped.push(i + 1);
  });
  return { lines, skipped };
}

/**
 * Folds the lines into one record per attempt, in the order the attempts started: the finished line completes its
 * started line, progress lines update the bytes; an attempt with no finished line is 'in-progress' while its process
 * lives (`isLive`), 'interrupted' otherwise, with the bytes of its last checkpoint.
 */
export function mergeJournal(lines: JournalLine[], isLive: (process: string) => boolean): JournalRecord[] {
  const records: JournalRecord[] = [];
  const open = new Map<string, { index: number; owner: string }>();
  const byAttempt = new Map<string, number>();
  for (const line of lines) {
    switch (line.result) {
      case 'started': {
        const { attempt, process: owner, ...fields } = line;
        byAttempt.set(attempt, records.length);
        open.set(attempt, { index: records.length, owner });
        records.push({ ...fields, result: 'interrupted', error: INTERRUPTED });
        break;
      }
      case 'progress': {
        const index = byAttempt.get(line.attempt);
        if (index === undefined || !open.has(line.attempt)) break;
        const r = records[index]!;
        records[index] = {
          ...r,
          bytes: line.bytes,
          durationMs: line.durationMs,
          averageSpeed: line.averageSpeed,
          imageSha256: line.imageSha256 ?? r.imageSha256,
        };
        break;
      }
      case 'ok':
      case 'failed':
      case 'cancelled': {
        const { attempt, ...record } = line;
        const index = attempt === undefined ? undefined : byAttempt.get(attempt);
        if (attempt !== undefined) open.delete(attempt);
        if (index === undefined) records.push(record);
        else records[index] = record;
        break;
      }
      default:
        assertNever(line, 'journal line');
    }
  }
  for (const { index, owner } of open.values()) {
    if (isLive(owner)) records[index] = { ...records[index]!, result: 'in-progress', error: null };
  }
  return records;
}

/**
 * Parses and merges journal text: one record per attempt. Kept for callers that want records from text directly.
 */
export function parseJournal(
  text: string,
  isLive: (process: string) => boolean = () => false,
): { records: JournalRecord[]; skipped: number[] } {
  const { lines, skipped } = parseJournalLines(text);
  return { records: mergeJournal(lines, isLive), skipped };
}

/** True for a station audit line ({ audit: 'station', ... }): part of the journal, not a card attempt. */
export function isAuditLine(raw: string): boolean {
  try {
    const v = JSON.parse(raw) as unknown;
    return typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>).audit === 'string';
  } catch {
    return false;
  }
}
