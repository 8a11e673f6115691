import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, writeFileSync, writeSync } from 'node:fs';

/** A zram block device created by a test: a removable "card" that is ours to write and to remove. */
export interface ZramCard {
  index: number;
  device: string;
  size: number;
  remove(): void;
}

const CONTROL = '/sys/class/zram-control';

/** True when this machine can make zram cards (root and the zram module loaded). */
export function zramAvailable(): boolean {
  return process.getuid?.() === 0 && existsSync(`${CONTROL}/hot_add`);
}

/**
 * Creates a zram card of `size` bytes. `memLimit` (set BEFORE disksize) makes writes of incompressible data fail
 * with a real EIO once that much memory is used: a card dying mid-write. Never touches zram0 or any other device.
 */
export function createZramCard(size: number, options: { memLimit?: number } = {}): ZramCard {
  const index = Number(readFileSync(`${CONTROL}/hot_add`, 'utf8').trim());
  if (!Number.isInteger(index) || index <= 0) throw new Error(`zram hot_add gave "${index}"`);
  const sys = `/sys/block/zram${index}`;
  if (options.memLimit !== undefined) writeFileSync(`${sys}/mem_limit`, String(options.memLimit));
  if (size > 0) writeFileSync(`${sys}/disksize`, String(size)); // 0: a reader slot with no card
  let removed = false;
  return {
    index,
    device: `/dev/zram${index}`,
    size,
    remove() {
      if (removed) return;
      for (let attempt = 0; attempt < 50; attempt += 1) {
        try {
          writeFileSync(`${sys}/reset`, '1');
          writeFileSync(`${CONTROL}/hot_remove`, String(index));
          removed = true;
          return;
        } catch {
          // EBUSY while something still holds it open: wait a little.
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
        }
      }
      throw new Error(`could not remove zram${index}`);
    },
  };
}

/** Reads `length` bytes from the start of a device or file. */
export function readHead(path: string, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, buf, done, length - done, done);
      if (n === 0) break;
      done += n;
    }
    return buf.subarray(0, done);
  } finally {
    closeSync(fd);
  }
}

/** Fills a card with stale random bytes, as a card that held something else does. */
export function fillWithGarbage(card: ZramCard): void {
  const chunk = 4 << 20;
  const fd = openSync(card.device, 'w');
  try {
    for (let at = 0; at < card.size; at += chunk) writeSync(fd, randomBytes(chunk), 0, Math.min(chunk, card.size - at), at);
  } finally {
    closeSync(fd);
  }
}

/** A field of the card's own I/O counters (/sys/block/zramN/stat). */
function statField(card: ZramCard, field: number): number {
  return Number(readFileSync(`/sys/block/zram${card.index}/stat`, 'utf8').trim().split(/\s+/)[field]);
}

/** Sectors the card has served to readers so far (field 3). */
export function sectorsRead(card: ZramCard): number {
  return statField(card, 2);
}

/** Sectors the card has written so far (field 7). */
export function sectorsWritten(card: ZramCard): number {
  return statField(card, 6);
}

/** Empties a card and gives it its size again (zeros, the kernel's counters back to 0): a new card in the same slot. */
export function resetCard(card: ZramCard): void {
  writeFileSync(`/sys/block/zram${card.index}/reset`, '1');
  writeFileSync(`/sys/block/zram${card.index}/disksize`, String(card.size));
}
