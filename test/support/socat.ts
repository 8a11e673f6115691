/**
 * A "cable" for serial tests: socat makes two linked ptys, `board` (what a board writes) and `host` (the port the
 * app opens). `unplug()` kills socat by PID (both ends vanish, like a USB adapter pulled); `replug()` makes a new
 * pair on the same link paths.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A socat pty pair. */
export interface PtyCable {
  /** The end the app opens (a symlink to /dev/pts/N). */
  host: string;
  /** The end a test writes to as the board. */
  board: string;
  /**
   * Writes bytes as the board, in order. Never blocks the thread: what a full pty does not take now is written from
   * the event loop (the app reading the other end may be in this very process), see `drained()`.
   */
  write(data: string | Uint8Array): void;
  /** Resolves once every byte written so far is in the pty. */
  drained(): Promise<void>;
  /** Kills socat: both ends disappear. */
  unplug(): Promise<void>;
  /** A new socat on the same paths. */
  replug(): Promise<void>;
  /** Kills socat and removes the directory. */
  close(): Promise<void>;
}

/** Starts socat and waits until both links exist. */
export async function createPtyCable(): Promise<PtyCable> {
  const dir = mkdtempSync(join(tmpdir(), 'wb-pty-'));
  const host = join(dir, 'host');
  const board = join(dir, 'board');
  let child: ChildProcess | null = null;
  let boardFd: number | null = null;
  // bytes the pty did not take yet, oldest first, and the timer that retries them
  const pending: Buffer[] = [];
  let retry: ReturnType<typeof setTimeout> | null = null;
  const waiters: (() => void)[] = [];

  /** Writes what the pty takes now; false when some is left (EAGAIN). */
  const flush = (): boolean => {
    while (pending.length > 0 && boardFd !== null) {
      const head = pending[0]!;
      let n: number;
      try {
        n = writeSync(boardFd, head);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return false;
        throw error;
      }
      if (n < head.length) {
        pending[0] = head.subarray(n);
        return false;
      }
      pending.shift();
    }
    pending.length = 0;
    for (const w of waiters.splice(0)) w();
    return true;
  };
  const schedule = (): void => {
    if (retry !== null) return;
    retry = setTimeout(() => {
      retry = null;
      if (!flush()) schedule();
    }, 2);
  };

  const start = async (): Promise<void> => {
    child = spawn('socat', [`pty,raw,echo=0,link=${board}`, `pty,raw,echo=0,link=${host}`], { stdio: 'ignore' });
    const deadline = Date.now() + 5000;
    while (!(existsSync(host) && existsSync(board))) {
      if (Date.now() > deadline) throw new Error('socat made no ptys within 5 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    boardFd = openSync(board, constants.O_RDWR | constants.O_NONBLOCK | constants.O_NOCTTY);
  };
  const stop = async (): Promise<void> => {
    if (retry !== null) clearTimeout(retry);
    retry = null;
    pending.length = 0;
    for (const w of waiters.splice(0)) w();
    if (boardFd !== null) closeSync(boardFd);
    boardFd = null;
    const c = child;
    child = null;
    if (!c || c.exitCode !== null || c.pid === undefined) return;
    const exited = new Promise((r) => c.once('exit', r));
    process.kill(c.pid, 'SIGTERM');
    await exited;
    const deadline = Date.now() + 2000;
    while ((existsSync(host) || existsSync(board)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  };
  await start();
  return {
    host,
    board,
    write(data) {
      if (boardFd === null) throw new Error('the cable is unplugged');
      pending.push(typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data));
      if (pending.length === 1 && flush()) return;
      schedule();
    },
    drained() {
      return pending.length === 0 ? Promise.resolve() : new Promise((r) => waiters.push(r));
    },
    unplug: stop,
    replug: start,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** True when socat is installed. */
export function socatAvailable(): boolean {
  try {
    execFileSync('socat', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
