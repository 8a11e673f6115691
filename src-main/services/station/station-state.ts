import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { withFileLock } from './state-lock.js';

/** An armed job as saved on disk: enough to journal it as disarmed when the station restarts. */
export interface SavedJob {
  jobId: string;
  artifact: string;
  entry: string | null;
  imageName: string;
  slots: string[];
  verify: boolean;
  count: number | null;
  sizeLimit: number;
  armedAt: string;
  armedBy: string;
  done: number;
  failed: number;
  /**
   * The slots it owns now (absent: all of `slots`). A disarmed job whose cards are still in progress stays in the
   * file owning only their slots, with its counts, until the last one finished.
   */
  owned?: string[];
  /** The process that armed it (journal process token): a live one's job is not disarmed by another process. */
  process: string;
}

/**
 * The armed jobs' state file (station-jobs.json), shared by the station processes of one state folder: every change
 * is a read-modify-write under its lock file, written atomically (a temporary file of this process, renamed).
 */
export class StationState {
  constructor(private readonly file: string) {}

  /** The jobs saved as armed (none when the file is missing or damaged). */
  load(): SavedJob[] {
    try {
      const value = JSON.parse(readFileSync(this.file, 'utf8')) as { armed?: unknown };
      return Array.isArray(value.armed) ? (value.armed as SavedJob[]) : [];
    } catch {
      return [];
    }
  }

  /**
   * Reads the saved jobs and saves what `change` returns (null: nothing to write), with no other process reading or
   * writing between the two.
   */
  update(change: (armed: SavedJob[]) => SavedJob[] | null): void {
    withFileLock(`${this.file}.lock`, () => {
      const next = change(this.load());
      if (next !== null) this.write(next);
    });
  }

  /** Saves the armed jobs (an empty list removes the file). */
  private write(armed: SavedJob[]): void {
    if (armed.length === 0) {
      rmSync(this.file, { force: true });
      return;
    }
    const tmp = `${this.file}.${process.pid}.tmp`;
    rmSync(tmp, { force: true });
    writeFileSync(tmp, JSON.stringify({ armed }, null, 2) + '\n', { flag: 'wx', mode: 0o644 });
    renameSync(tmp, this.file);
  }
}
