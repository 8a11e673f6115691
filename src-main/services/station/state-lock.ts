import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { pidAlive } from '../journal/process-identity.js';

/** How long a process waits for another's lock before the error names it. */
const WAIT_MS = 3_000;
/** A lock older than this is left over by a process that hung or died between lock and unlock (they hold it for a read and a write). */
const STALE_MS = 30_000;

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/** True when the lock at `path` belongs to no running process, or to one that held it far too long. */
function isStale(path: string): boolean {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0 || !pidAlive(pid)) return true;
    return Date.now() - statSync(path).mtimeMs > STALE_MS;
  } catch {
    // Gone already (its holder released it) or unreadable while being written: try again.
    return false;
  }
}

/**
 * Runs `fn` holding `path` (a lock file created exclusively, holding this process's PID), so that the station
 * processes of one state folder read and write their shared state file one at a time. The lock is held for
 * microseconds: a waiter polls every 2 ms and gives up after 3 s with an error naming the file and its holder.
 */
export function withFileLock<T>(path: string, fn: () => T): T {
  for (const until = Date.now() + WAIT_MS; ; ) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (isStale(path)) {
        rmSync(path, { force: true });
        continue;
      }
      if (Date.now() > until) {
        let holder = 'another process';
        try {
          holder = `process ${readFileSync(path, 'utf8').trim()}`;
        } catch {
          // released meanwhile
        }
        throw new Error(`${path}: held by ${holder} for more than ${WAIT_MS / 1000} s; if no walt-bench station runs, remove the file`);
      }
      sleepSync(2);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(path, { force: true });
  }
}
