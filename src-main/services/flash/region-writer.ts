import { BACKUP_GPT_SECTORS, SECTOR } from '../../core/card/layout.js';
import { type CardJob, type CardOutcome, openCardDevice, type CardRegion, syncDevice } from './card-device.js';
import { CancelledError, explainCardError, verificationFailed } from './errors.js';
import { etcher } from './etcher.js';

/** The zeros that clear a backup GPT: the card's last 33 sectors, widened to the write alignment. */
export function backupGptClear(cardBytes: number, alignment: number): CardRegion {
  const start = Math.floor((cardBytes - BACKUP_GPT_SECTORS * SECTOR) / alignment) * alignment;
  return { offset: start, data: new Uint8Array(cardBytes - start) };
}

/**
 * Writes a built card sparse with the same guarantees as a raw flash: O_DIRECT and O_EXCL through etcher-sdk's
 * BlockDevice, the region at offset 0 (the partition table) written last, the card's own cache flushed, then every
 * region read back (O_DIRECT) and compared byte for byte. Besides the image's regions it clears the backup GPT a
 * card may carry in its last 33 sectors (the image's first region already clears the primary one at LBA 1).
 */
export async function writeRegions(job: CardJob, regions: CardRegion[]): Promise<CardOutcome> {
  const { createAlignedBuffer } = etcher();
  const { drive, signal } = job;
  const dest = await openCardDevice(job);
  let offset: number | null = null;
  try {
    const alignment = dest.getAlignment() ?? 4096;
    const runs = [...regions];
    if (drive.size !== null) runs.push(backupGptClear(drive.size, alignment));
    const first = runs.filter((r) => r.offset === 0);
    const ordered = [...runs.filter((r) => r.offset !== 0), ...first];
    const total = ordered.reduce((s, r) => s + r.data.length, 0);
    const biggest = Math.max(...ordered.map((r) => r.data.length));
    const buffer = createAlignedBuffer(roundTo(biggest, alignment), alignment) as unknown as Buffer;
    let written = 0;
    for (const run of ordered) {
      if (signal.aborted) throw new CancelledError();
      offset = run.offset;
      const length = roundTo(run.data.length, alignment);
      buffer.fill(0, 0, length);
      buffer.set(run.data, 0);
      await dest.write(buffer, 0, length, run.offset);
      written += run.data.length;
      job.onProgress('write', written, total);
    }
    await syncDevice(dest);
    let verified = false;
    if (job.verify) {
      let read = 0;
      for (const run of ordered) {
        if (signal.aborted) throw new CancelledError();
        offset = run.offset;
        const length = roundTo(run.data.length, alignment);
        await dest.read(buffer, 0, length, run.offset);
        const back = buffer.subarray(0, run.data.length);
        if (Buffer.compare(back, run.data) !== 0) {
          const at = run.offset + firstDifference(back, run.data);
          throw verificationFailed(drive.device, at);
        }
        read += run.data.length;
        job.onProgress('verify', read, total);
      }
      verified = true;
    }
    return { bytes: written, verified };
  } catch (error) {
    if (signal.aborted) throw new CancelledError();
    throw explainCardError(drive.device, offset, error);
  } finally {
    await dest.close().catch(() => undefined);
  }
}

function roundTo(n: number, step: number): number {
  return Math.ceil(n / step) * step;
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return i;
  return a.length;
}
