import { open } from 'node:fs/promises';
import { XXHash64 } from 'xxhash-addon';
import { ApiError } from '../../api/errors.js';
import { alignRanges, type ByteRange } from '../../core/image/byte-ranges.js';
import { type CardJob, type CardOutcome, CHUNK_BYTES, cardDevice, syncDevice } from './card-device.js';
import { rereadPartitions } from './partition-reread.js';
import { CancelledError, explainCardError, verificationFailed } from './errors.js';
import { etcher } from './etcher.js';
import { backupGptClear } from './region-writer.js';

/** One write of the plan: `length` bytes at `offset`, from the image or (past its end) zeros. */
interface Piece {
  offset: number;
  length: number;
  zeros: boolean;
}

/** Splits the ranges into writes of at most CHUNK_BYTES, the one at offset 0 (the partition tables) moved last. */
export function planPieces(ranges: ByteRange[], clear: ByteRange | null): Piece[] {
  const pieces: Piece[] = [];
  for (const r of ranges) {
    for (let at = r.offset; at < r.offset + r.length; at += CHUNK_BYTES) {
      pieces.push({ offset: at, length: Math.min(CHUNK_BYTES, r.offset + r.length - at), zeros: false });
    }
  }
  if (clear && clear.length > 0) pieces.push({ ...clear, zeros: true });
  const first = pieces.filter((p) => p.offset === 0);
  return [...pieces.filter((p) => p.offset !== 0), ...first];
}

/**
 * Writes only the given ranges of a raw image to a card (a sparse write: the allocation map or a bmap), through
 * etcher-sdk's BlockDevice like every writer (O_DIRECT, O_EXCL): the piece holding the partition tables last, the
 * stale backup GPT a larger card carries in its last sectors cleared, the card's cache flushed, then exactly the
 * ranges written read back (O_DIRECT) and compared (xxHash64 per piece; the first differing byte named).
 */
export async function writeRanges(job: CardJob, ranges: ByteRange[]): Promise<CardOutcome> {
  const { createAlignedBuffer } = etcher();
  const { drive, signal } = job;
  if (job.size <= 0) throw new ApiError('source-error', 'the image is empty');
  const dest = await cardDevice(job);
  const source = job.data ? null : await open(job.rawPath, 'r');
  try {
    await dest.open();
  } catch (error) {
    await Promise.allSettled([source?.close(), dest.close()]);
    if (error instanceof CancelledError) throw error;
    throw explainCardError(drive.device, null, error);
  }
  let offset: number | null = null;
  try {
    const alignment = dest.getAlignment() ?? 4096;
    const aligned = alignRanges(ranges, alignment, job.size);
    const imageEnd = Math.ceil(job.size / alignment) * alignment;
    let clear: ByteRange | null = null;
    if (drive.size !== null && drive.size > imageEnd) {
      const tail = backupGptClear(drive.size, alignment);
      const from = Math.max(tail.offset, imageEnd);
      clear = { offset: from, length: drive.size - from };
    }
    const pieces = planPieces(aligned, clear);
    const total = pieces.reduce((s, p) => s + p.length, 0);
    const buffer = createAlignedBuffer(CHUNK_BYTES, alignment) as unknown as Buffer;
    const readSource = async (p: Piece, into: Buffer): Promise<Buffer> => {
      const view = into.subarray(0, p.length);
      view.fill(0);
      if (p.zeros) return view;
      if (job.data) {
        view.set(job.data.subarray(p.offset, Math.min(job.size, p.offset + p.length)));
        return view;
      }
      let done = 0;
      while (source !== null && done < p.length && p.offset + done < job.size) {
        const { bytesRead } = await source.read(view, done, p.length - done, p.offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return view;
    };
    const hashes: string[] = [];
    let written = 0;
    for (const p of pieces) {
      if (signal.aborted) throw new CancelledError();
      offset = p.offset;
      const data = await readSource(p, buffer);
      if (job.verify) hashes.push(XXHash64.hash(data).toString('hex'));
      await dest.write(buffer, 0, p.length, p.offset);
      written += p.length;
      job.onProgress('write', written, total);
    }
    await syncDevice(dest);
    let verified = false;
    if (job.verify) {
      let read = 0;
      for (const [i, p] of pieces.entries()) {
        if (signal.aborted) throw new CancelledError();
        offset = p.offset;
        await dest.read(buffer, 0, p.length, p.offset);
        if (XXHash64.hash(buffer.subarray(0, p.length)).toString('hex') !== hashes[i]) {
          const want = await readSource(p, Buffer.alloc(p.length));
          throw verificationFailed(drive.device, p.offset + firstDifference(buffer.subarray(0, p.length), want));
        }
        read += p.length;
        job.onProgress('verify', read, total);
      }
      verified = true;
    }
    return { bytes: written, verified };
  } catch (error) {
    if (signal.aborted) throw new CancelledError();
    throw explainCardError(drive.device, offset, error);
  } finally {
    await Promise.allSettled([source?.close(), dest.close()]);
    rereadPartitions(drive.device);
  }
}

/** The index of the first byte where `a` and `b` differ (their length when none does). */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return i;
  return a.length;
}
