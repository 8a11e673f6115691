import { closeSync, constants, fchownSync, fstatSync, fsyncSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { ApiError } from '../../api/errors.js';
import { type JournalLine, type JournalRecord, mergeJournal, parseJournalLines } from '../../core/journal/record.js';
import type { Owner } from '../ownership.js';
import { processIdentity, type ProcessIdentity } from './process-identity.js';

/**
 * The flash journal: JSON lines appended with O_APPEND and fsynced before the append returns. An attempt is a
 * 'started' line written before the card's first byte, progress checkpoints and the finished line that completes
 * it, so a crash shows as an interrupted attempt. The file is opened with O_NOFOLLOW and must be a plain file with
 * one link: a root helper never appends through a link planted in the user's state folder.
 */
export class Journal {
  /** The file each attempt in progress started in: its checkpoints and finished line go there too. */
  private readonly attempts = new Map<string, string>();

  /**
   * `file`: the journal's path, or a function giving it (the journal-location setting: each read and each attempt's
   * 'started' line use the location in force at that moment; the rest of an attempt follows its started line, so a
   * location changed mid-card never splits its record).
   */
  constructor(
    private readonly fileOf: string | (() => string),
    private readonly owner?: Owner,
    private readonly processes: ProcessIdentity = processIdentity,
  ) {}

  /** The journal's path now. */
  get file(): string {
    return typeof this.fileOf === 'string' ? this.fileOf : this.fileOf();
  }

  /** The token a 'started' line carries: this process, as `isLive` recognises it. */
  self(): string {
    return this.processes.self();
  }

  /**
   * Appends one line durably, in one write (concurrent cards never interleave bytes). The line starts on a fresh
   * line even after a torn last line, so a crash mid-append never swallows the next record.
   */
  append(line: JournalLine): void {
    const fd = this.open(constants.O_RDWR | constants.O_APPEND | constants.O_CREAT, this.fileFor(line));
    try {
      const st = fstatSync(fd);
      if (st.size === 0 && this.owner) {
        try {
          fchownSync(fd, this.owner.uid, this.owner.gid);
        } catch {
          // Not fatal: the file stays root's; the unprivileged fallback will say it cannot write it.
        }
      }
      const last = Buffer.alloc(1);
      const torn = st.size > 0 && readSync(fd, last, 0, 1, st.size - 1) === 1 && last[0] !== 0x0a;
      writeSync(fd, Buffer.from(`${torn ? '\n' : ''}${JSON.stringify(line)}\n`, 'utf8'));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Reads every attempt (oldest first); damaged lines are reported by number, never fatal. */
  read(limit?: number): { records: JournalRecord[]; skippedLines: number[] } {
    let fd: number;
    try {
      fd = this.open(constants.O_RDONLY);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], skippedLines: [] };
      throw error;
    }
    let text: string;
    try {
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
    const { lines, skipped } = parseJournalLines(text);
    const records = mergeJournal(lines, (p) => this.processes.isLive(p));
    return { records: limit ? records.slice(-limit) : records, skippedLines: skipped };
  }

  /** The file a line goes to: an attempt's own once started, else the location now. */
  private fileFor(line: JournalLine): string {
    const id = line.attempt;
    if (id === undefined) return this.file;
    if (line.result === 'started') {
      const file = this.file;
      this.attempts.set(id, file);
      return file;
    }
    const file = this.attempts.get(id) ?? this.file;
    if (line.result !== 'progress') this.attempts.delete(id);
    return file;
  }

  /** Opens the journal without following a link, and refuses anything but a plain file with one name. */
  private open(flags: number, file = this.file): number {
    let fd: number;
    try {
      fd = openSync(file, flags | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
        throw new ApiError(
          'refused',
          `${file} is a symbolic link: walt-bench never writes its journal through a link (it could point at any file)`,
          `remove the link (rm ${file}) and walt-bench starts a new journal there`,
        );
      }
      throw error;
    }
    const st = fstatSync(fd);
    if (!st.isFile() || st.nlink > 1) {
      closeSync(fd);
      throw new ApiError(
        'refused',
        `${file} is ${st.isFile() ? `a file with ${st.nlink} names (a hard link)` : 'not a plain file'}: walt-bench refuses to use it as its journal`,
        `move it away (mv ${file} ${file}.old) and walt-bench starts a new journal there`,
      );
    }
    return fd;
  }
}
