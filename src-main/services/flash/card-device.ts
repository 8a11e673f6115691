import { execFile } from 'node:child_process';
import type { FileHandle } from 'node:fs/promises';
import { promisify } from 'node:util';
import type * as drivelist from 'drivelist';
import { ApiError } from '../../api/errors.js';
import type { Drive } from '../../core/drives/drive.js';
import { isSystemMountpoint } from '../../core/drives/drive.js';
import type { ByteRange } from '../../core/image/byte-ranges.js';
import { formatBytes } from '../../core/util/format.js';
import { etcher } from './etcher.js';
import { CancelledError, explainCardError } from './errors.js';
import { openExclusive } from './exclusive-open.js';
import { rereadDone } from './partition-reread.js';
import type { GrowingImage } from './growing-image.js';

/*
 * What every card writer (the raw one in card-writer.ts, the sparse ones in range-writer.ts and region-writer.ts)
 * starts from: the job, the card opened as etcher-sdk's block device (unmounted, O_EXCL, failing fast when held),
 * and the flush of its cache. The writers import this, never each other.
 */

const run = promisify(execFile);

/** One run of bytes a built card needs at an offset of the card (the rest of the card is left as it is). */
export interface CardRegion {
  offset: number;
  data: Uint8Array;
}

/** Chunk size of one write and one verification read. The first chunk is written last. */
export const CHUNK_BYTES = 4 << 20;

/** What one card's pipeline needs. */
export interface CardJob {
  /** The raw image file (or, for a built card, the archive it was built from). */
  rawPath: string;
  size: number;
  /** A built card: only these regions are written (sparse), instead of the raw file. */
  regions?: CardRegion[];
  /** A raw image written sparse: only these byte ranges of it (its allocation map), instead of every byte. */
  ranges?: ByteRange[];
  /** The raw image's bytes when held in memory: a sparse write reads its ranges from here instead of rawPath. */
  data?: Uint8Array;
  /** A raw image still inflating: written sparse from its bytes as they arrive (see stream-writer). */
  growing?: GrowingImage;
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
async function unmountCard(drive: Drive): Promise<void> {
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
  // A reread of this card's partition table left running by its last write ends before the card is opened again.
  await rereadDone(drive.device);
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


/** Flushes the card's own write cache (fdatasync on the device). */
export async function syncDevice(dest: object): Promise<void> {
  const handle = (dest as { fileHandle?: FileHandle }).fileHandle;
  if (handle) await handle.datasync();
}

/** cardDevice, opened; a failure to open closes it and is explained (file, cause, fix), a cancellation stays itself. */
export async function openCardDevice(job: CardJob): Promise<Awaited<ReturnType<typeof cardDevice>>> {
  const dest = await cardDevice(job);
  try {
    await dest.open();
    return dest;
  } catch (error) {
    await dest.close().catch(() => undefined);
    if (error instanceof CancelledError) throw error;
    throw explainCardError(job.drive.device, null, error);
  }
}
