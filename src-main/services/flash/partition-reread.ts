import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The kernel's reread of a card's partition table, by a process spawned (Node has no ioctl). */
const blockdevReread = (device: string): Promise<unknown> => run('blockdev', ['--rereadpt', device]);

/** The partition-table rereads still running, by device. */
const pending = new Map<string, Promise<void>>();

/**
 * Asks the kernel to read a card's partition table again (`blockdev --rereadpt`), once the writer closed the card:
 * after its data was synced and verified, or after it failed. The reread (~10 ms: a process spawned) runs while the
 * attempt is journaled and announced; the next open of that device in this process (`rereadDone`, awaited by every
 * opener of a card) and the backend's close (`rereadsDone`, before the process exits) wait for it, so it never races
 * a later open of the card nor outlives the process. Its failure is ignored, as before (zram has no partitions).
 */
export function rereadPartitions(device: string, reread: (device: string) => Promise<unknown> = blockdevReread): void {
  const done: Promise<void> = reread(device).then(
    () => undefined,
    () => undefined,
  );
  const tracked = done.finally(() => {
    if (pending.get(device) === tracked) pending.delete(device);
  });
  pending.set(device, tracked);
}

/** Resolves once no reread of that device runs (at once when none does). */
export function rereadDone(device: string): Promise<void> {
  return pending.get(device) ?? Promise.resolve();
}

/** Resolves once every reread started so far ended. */
export async function rereadsDone(): Promise<void> {
  await Promise.all(pending.values());
}
