import { type FileHandle, open } from 'node:fs/promises';
import { ApiError } from '../../api/errors.js';
import { type DeviceHolder, describeHolders, findHolders } from './device-holders.js';
import { CancelledError } from './errors.js';

/** How long an open is retried while the device is busy with no holder in sight (a mount being released). */
export const BUSY_WINDOW_MS = 800;
const STEP_MS = 100;

/** What an exclusive open needs (the real parts by default; fakes in unit tests). */
export interface ExclusiveOpenDeps {
  open: (path: string, flags: number) => Promise<FileHandle>;
  findHolders: (device: string) => Promise<DeviceHolder[]>;
  now: () => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
}

const realDeps: ExclusiveOpenDeps = {
  open: (path, flags) => open(path, flags),
  findHolders: (device) => findHolders(device),
  now: Date.now,
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
    }),
};

/** The refusal of a card another program holds: who holds it, and what to do. */
export function deviceBusy(device: string, holders: DeviceHolder[]): ApiError {
  const processes = holders.filter((h) => h.kind === 'process').map((h) => h.pid);
  const who = holders.length > 0 ? `held by ${describeHolders(holders)}` : 'held exclusively by a program walt-bench cannot see';
  return new ApiError(
    'refused',
    `${device} is busy (EBUSY): ${who}; nothing was written`,
    processes.length > 0
      ? `wait until it is done with the card or stop it (kill ${processes.join(' ')}), then retry`
      : 'unmount the card or stop the program using it, then retry',
  );
}

/**
 * Opens a card for writing with the flags given (O_EXCL on Linux), failing fast: etcher-sdk retries EBUSY 150 times
 * (about 19 minutes, deaf to cancellation); here a card another process holds is refused at once, naming the
 * holder, and an EBUSY or EIO with no holder in sight is retried for under a second. Cancellation is honoured
 * between tries. Two walt-bench processes exclude each other through the kernel's O_EXCL claim.
 */
export async function openExclusive(
  device: string,
  flags: number,
  signal: AbortSignal,
  deps: ExclusiveOpenDeps = realDeps,
): Promise<FileHandle> {
  const deadline = deps.now() + BUSY_WINDOW_MS;
  for (;;) {
    if (signal.aborted) throw new CancelledError();
    try {
      const handle = await deps.open(device, flags);
      if (signal.aborted) {
        await handle.close();
        throw new CancelledError();
      }
      return handle;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EBUSY' && code !== 'EIO') throw error;
      const holders = code === 'EBUSY' ? await deps.findHolders(device).catch(() => []) : [];
      if (holders.length > 0 || deps.now() >= deadline) {
        if (code === 'EBUSY') throw deviceBusy(device, holders);
        throw error;
      }
      await deps.sleep(STEP_MS, signal);
    }
  }
}
