import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { pidAlive } from '../journal/process-identity.js';

/** How long a process waits for another's lock before the error names it. */
const WAIT_MS = 3_000;
/** A lock older than this is left over by a process that hung or died between lock and unlock (they hold it for a read and a write). */
const STALE_MS = 30_000;

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/**
 * True when a lock holding `content` belongs to no running process: its PID is gone, or is this very process's (a
 * lock never nests, so it was left by an earlier process of the same PID), or it was held far too long.
 */
function isStale(path: string, content: string): boolean {
  const pid = Number(content.split(' ')[0]);
  if (Number.isInteger(pid) && pid > 0 && (pid === process.pid || !pidAlive(pid))) return true;
  try {
    return Date.now() - statSync(path).mtimeMs > STALE_MS;
  } catch {
    return false;
  }
}

/**
 * Breaks a stale lock: it is renamed away (one process wins the rename), and if what was renamed is not the lock
 * judged stale (its holder let go and another took it meanwhile) it is put back.
 */
function breakStale(path: string, judged: string, mine: string): void {
  const aside = `${path}.stale.${mine}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // gone already
  }
  if (readOrNull(aside) !== judged) {
    try {
      linkSync(aside, path);
    } catch {
      // another process holds a new lock now: it stays theirs
    }
  }
  rmSync(aside, { force: true });
}

/**
 * Runs `fn` holding `path`, a lock file, so that the station processes of one state folder read and write their
 * shared state file one at a time. The lock appears whole in one step (a file holding this process's PID and a
 * nonce, hard-linked to `path`: link fails when it exists), is released only by its holder, and one left by a dead
 * process is broken. It is held for microseconds: a waiter polls every 2 ms and gives up after 3 s with an error
 * naming the file and its holder.
 */
export function withFileLock<T>(path: string, fn: () => T): T {
  const nonce = randomBytes(6).toString('hex');
  const mine = `${process.pid} ${nonce}\n`;
  const own = `${path}.${process.pid}.${nonce}`;
  writeFileSync(own, mine, { flag: 'wx', mode: 0o644 });
  try {
    for (const until = Date.now() + WAIT_MS; ; ) {
      try {
        linkSync(own, path);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const held = readOrNull(path);
      if (held === null) continue; // released meanwhile
      if (isStale(path, held)) {
        breakStale(path, held, `${process.pid}.${nonce}`);
        continue;
      }
      if (Date.now() > until) {
        throw new Error(`${path}: held by process ${held.split(' ')[0]!.trim() || '(unknown)'} for more than ${WAIT_MS / 1000} s; if no walt-bench station runs, remove the file`);
      }
      sleepSync(2);
    }
  } finally {
    rmSync(own, { force: true });
  }
  try {
    return fn();
  } finally {
    if (readOrNull(path) === mine) rmSync(path, { force: true });
  }
}
