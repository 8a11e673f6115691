import { closeSync, fsyncSync, openSync, readFileSync, writeSync, existsSync } from 'node:fs';
import { type JournalRecord, parseJournal } from '../../core/journal/record.js';
import { giveBack, type Owner } from '../ownership.js';

/**
 * The flash journal: one JSON line per card attempt, appended with O_APPEND and fsynced before the append returns,
 * so a crash never loses a finished record (at worst a torn last line, which the reader skips).
 */
export class Journal {
  constructor(
    private readonly file: string,
    private readonly owner?: Owner,
  ) {}

  /** Appends one record durably. Serialised in one write so concurrent cards never interleave bytes. */
  append(record: JournalRecord): void {
    const line = Buffer.from(JSON.stringify(record) + '\n', 'utf8');
    const isNew = !existsSync(this.file);
    const fd = openSync(this.file, 'a', 0o644);
    if (isNew) giveBack(this.file, this.owner);
    try {
      writeSync(fd, line);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Reads every record (newest last); corrupt lines are reported by number, never fatal. */
  read(limit?: number): { records: JournalRecord[]; skippedLines: number[] } {
    if (!existsSync(this.file)) return { records: [], skippedLines: [] };
    const { records, skipped } = parseJournal(readFileSync(this.file, 'utf8'));
    return { records: limit ? records.slice(-limit) : records, skippedLines: skipped };
  }
}
