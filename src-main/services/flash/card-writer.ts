import { pipeline } from 'node:stream/promises';
import { XXHash64 } from 'xxhash-addon';
import { ApiError } from '../../api/errors.js';
import { CancelledError, explainCardError, verificationFailed } from './errors.js';
import { etcher } from './etcher.js';
import { writeRanges } from './range-writer.js';
import { writeGrowing } from './stream-writer.js';
import { type CardJob, type CardOutcome, cardDevice, CHUNK_BYTES, syncDevice } from './card-device.js';
import { rereadPartitions } from './partition-reread.js';
import { writeRegions } from './region-writer.js';

/** Buffers in flight per card (memory per card = CHUNK_BYTES x this). */
const NUM_BUFFERS = 4;

/**
 * Writes one card with etcher-sdk (O_DIRECT, O_EXCL on Linux) from the raw image and, if asked, reads it back
 * with O_DIRECT and compares every chunk. The first chunk (which holds the partition table) is written last, so
 * a card interrupted mid-write never points at half an image. Each card has its own source reader, so cards run
 * at their own pace and cancel alone.
 */
export async function writeCard(job: CardJob): Promise<CardOutcome> {
  if (job.regions) return writeRegions(job, job.regions);
  if (job.growing) return writeGrowing(job, job.growing);
  if (job.ranges) return writeRanges(job, job.ranges);
  const { sdk, BlockReadStream, BlockWriteStream } = etcher();
  const { drive, signal } = job;
  if (job.size <= 0) throw new ApiError('source-error', 'the image is empty');
  const dest = await cardDevice(job);
  const source = new sdk.sourceDestination.File({ path: job.rawPath });
  const hashes = new Map<number, { length: number; hash: string }>();
  let lastOffset: number | null = null;
  let written = 0;
  const rawWrite = dest.write.bind(dest);
  dest.write = async (buffer: Buffer, bufferOffset: number, length: number, fileOffset: number) => {
    lastOffset = fileOffset;
    if (signal.aborted) throw new CancelledError();
    const writing = rawWrite(buffer, bufferOffset, length, fileOffset);
    // Hash while the write is in flight (the buffer is locked until it completes); only needed to verify.
    if (job.verify) {
      hashes.set(fileOffset, {
        length,
        hash: XXHash64.hash(buffer.subarray(bufferOffset, bufferOffset + length)).toString('hex'),
      });
    }
    const result = await writing;
    written += length;
    job.onProgress('write', written, job.size);
    return result;
  };
  try {
    await source.open();
    await dest.open();
  } catch (error) {
    await Promise.allSettled([source.close(), dest.close()]);
    if (error instanceof CancelledError) throw error;
    throw explainCardError(drive.device, null, error);
  }
  try {
    const alignment = dest.getAlignment() ?? 4096;
    const reader = new BlockReadStream({
      source,
      alignment,
      start: 0,
      end: job.size - 1,
      chunkSize: CHUNK_BYTES,
      numBuffers: NUM_BUFFERS,
    });
    const writer = new BlockWriteStream({
      destination: dest,
      delayFirstBuffer: true,
      highWaterMark: NUM_BUFFERS - 1,
    });
    await pipeline(reader, writer, { signal });
    await syncDevice(dest);
    let verified = false;
    if (job.verify) {
      await verifyCard(dest, job, hashes, alignment, BlockReadStream);
      verified = true;
    }
    return { bytes: written, verified };
  } catch (error) {
    if (signal.aborted) throw new CancelledError();
    throw explainCardError(drive.device, lastOffset, error);
  } finally {
    await Promise.allSettled([source.close(), dest.close()]);
    rereadPartitions(drive.device);
  }
}

/** Reads the card back (O_DIRECT) and compares each chunk's xxHash64 with the one computed while writing. */
async function verifyCard(
  dest: InstanceType<ReturnType<typeof etcher>['sdk']['sourceDestination']['BlockDevice']>,
  job: CardJob,
  hashes: Map<number, { length: number; hash: string }>,
  alignment: number,
  BlockReadStream: ReturnType<typeof etcher>['BlockReadStream'],
): Promise<void> {
  const reader = new BlockReadStream({
    source: dest,
    alignment,
    start: 0,
    end: job.size - 1,
    chunkSize: CHUNK_BYTES,
    numBuffers: NUM_BUFFERS,
  });
  let offset = 0;
  try {
    for await (const chunk of reader as AsyncIterable<Buffer & { rlock?: () => Promise<() => void> }>) {
      if (job.signal.aborted) throw new CancelledError();
      const unlock = chunk.rlock ? await chunk.rlock() : () => undefined;
      let actual: string;
      try {
        actual = XXHash64.hash(chunk).toString('hex');
      } finally {
        unlock();
      }
      const expected = hashes.get(offset);
      if (!expected || expected.length !== chunk.length) {
        throw new ApiError('internal', `verification chunking mismatch at offset ${offset}`);
      }
      if (expected.hash !== actual) {
        throw verificationFailed(job.drive.device, offset, offset + chunk.length);
      }
      offset += chunk.length;
      job.onProgress('verify', offset, job.size);
    }
  } finally {
    reader.destroy();
  }
  if (offset !== job.size) {
    throw new ApiError('io-error', `${job.drive.device}: verification read ${offset} of ${job.size} bytes`);
  }
}
