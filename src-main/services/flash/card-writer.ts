import { execFile } from 'node:child_process';
import type { FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import type * as drivelist from 'drivelist';
import { XXHash64 } from 'xxhash-addon';
import { ApiError } from '../../api/errors.js';
import type { Drive } from '../../core/drives/drive.js';
import { isSystemMountpoint } from '../../core/drives/drive.js';
import { formatBytes } from '../../core/util/format.js';
import { CancelledError, explainCardError, verificationFailed } from './errors.js';
import { etcher } from './etcher.js';
import { openExclusive } from './exclusive-open.js';
import type { ByteRange } from '../../core/image/byte-ranges.js';
import { writeRanges } from './range-writer.js';
import { type CardRegion, writeRegions } from './region-writer.js';

const run = promisify(execFile);

/** Chunk size of one write and one verification read. The first chunk is written last. */
export const CHUNK_BYTES = 4 << 20;
/** Buffers in flight per card (memory per card = CHUNK_BYTES x this). */
const NUM_BUFFERS = 4;

/** What one card's pipeline needs. */
export interface CardJob {
  /** The raw image file (or, for a built card, the archive it was built from). */
  rawPath: string;
  size: number;
  /** A built card: only these regions are written (sparse), instead of the raw file. */
  regions?: CardRegion[];
  /** A raw image written sparse: only these byte ranges of it (its allocation map), instead of every byte. */
  ranges?: ByteRange[];
  drive: Drive;
  verify: boolean;
  signal: AbortSignal;
  onProgress(phase: 'write' | 'verify', bytes: number, total: number): void;
}

/** The outcome of a card that finished without error. */
export interface CardOutcome {
  bytes: number;
  verified: boolean;
}

/** The shape etcher-sdk's BlockDevice wants (a drivelist record). */
function asDrivelistDrive(d: Drive): drivelist.Drive {
  return {
    device: d.device,
    devicePath: d.devicePath,
    raw: d.device,
    description: d.description,
    size: d.size,
    mountpoints: d.mountpoints.map((m) => ({ path: m.path, label: m.label ?? undefined })),
    isSystem: false,
    isReadOnly: d.isReadOnly,
    isRemovable: d.isRemovable,
    isVirtual: d.isVirtual,
    isUSB: d.isUSB,
    isCard: d.isCard,
    busType: d.busType,
    busVersion: null,
    enumerator: 'walt-bench',
    error: null,
    blockSize: 4096,
    logicalBlockSize: 512,
    isSCSI: null,
    isUAS: null,
    partitionTableType: null,
  } as unknown as drivelist.Drive;
}

/** etcher-sdk's mountutils unmountDisk (what its BlockDevice runs before opening a card for writing). */
function etcherUnmountDisk(): (device: string) => Promise<void> {
  etcher();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lazy = require('etcher-sdk/build/lazy') as { getUnmountDisk(): (device: string) => Promise<void> };
  return lazy.getUnmountDisk();
}

/** Unmounts every partition of the card, or says which mount could not be released and why. */
export async function unmountCard(drive: Drive): Promise<void> {
  for (const m of drive.mountpoints) {
    if (isSystemMountpoint(m.path)) throw new ApiError('refused', `${drive.device} holds the system mount ${m.path}`);
    try {
      await run('umount', [m.path]);
    } catch (error) {
      const stderr = String((error as { stderr?: string }).stderr ?? (error as Error).message).trim();
      if (/not mounted/.test(stderr)) continue;
      throw new ApiError(
        'io-error',
        `${drive.device}: cannot unmount ${m.path} (${stderr})`,
        `close the files and windows open on ${m.path}, then retry`,
      );
    }
  }
}

/**
 * The card as etcher-sdk's block device (O_DIRECT, O_EXCL, not opened yet), once it is known big enough and
 * unmounted: what every writer starts from.
 */
export async function cardDevice(job: CardJob): Promise<InstanceType<ReturnType<typeof etcher>['sdk']['sourceDestination']['BlockDevice']>> {
  const { drive } = job;
  if (drive.size !== null && drive.size < job.size) {
    throw new ApiError(
      'refused',
      `${drive.device} is too small: ${formatBytes(drive.size)} for ${formatBytes(job.size)}`,
      'use a larger card',
    );
  }
  await unmountCard(drive);
  const dest = new (etcher().sdk.sourceDestination.BlockDevice)({
    drive: asDrivelistDrive(drive),
    unmountOnSuccess: false,
    write: true,
    direct: true,
    keepOriginal: true,
  });
  // etcher-sdk's own open retries EBUSY for ~19 minutes and cannot be cancelled: open the card ourselves, with the
  // same flags, failing fast and naming whoever holds it.
  const inner = dest as unknown as { _open(): Promise<void>; getOpenFlags(): number; fileHandle: FileHandle };
  inner._open = async () => {
    // On macOS, as etcher-sdk does, release any mount that appeared since the drive list was read (diskutil via
    // mountutils, a NAN module built for one ABI). On Linux a mount that appeared meanwhile makes the O_EXCL open
    // fail, and openExclusive names it: mountutils is never loaded there, so the Electron app needs no rebuild of it.
    if (process.platform === 'darwin') await etcherUnmountDisk()(drive.device);
    inner.fileHandle = await openExclusive(drive.device, inner.getOpenFlags(), job.signal);
  };
  return dest;
}

/**
 * Writes one card with etcher-sdk (O_DIRECT, O_EXCL on Linux) from the raw image and, if asked, reads it back
 * with O_DIRECT and compares every chunk. The first chunk (which holds the partition table) is written last, so
 * a card interrupted mid-write never points at half an image. Each card has its own source reader, so cards run
 * at their own pace and cancel alone.
 */
export async function writeCard(job: CardJob): Promise<CardOutcome> {
  if (job.regions) return writeRegions(job, job.regions);
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
    await run('blockdev', ['--rereadpt', drive.device]).catch(() => undefined);
  }
}

/** Flushes the card's own write cache (fdatasync on the device). */
export async function syncDevice(dest: object): Promise<void> {
  const handle = (dest as { fileHandle?: FileHandle }).fileHandle;
  if (handle) await handle.datasync();
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
