import { z } from 'zod';

/** A block device path such as /dev/sdb: never a relative path or an option. */
export const DevicePath = z.string().regex(/^\/dev\/[A-Za-z0-9._/-]+$/, 'a device path such as /dev/sdb');

/** An absolute file path on the machine that does the work. */
export const FilePath = z.string().min(1).max(4096).refine((p) => p.startsWith('/'), 'an absolute path');

export const Drive = z.object({
  device: z.string(),
  devicePath: z.string().nullable(),
  description: z.string(),
  size: z.number().nullable(),
  serial: z.string().nullable(),
  busType: z.string(),
  isReadOnly: z.boolean(),
  isRemovable: z.boolean(),
  isSystem: z.boolean(),
  isVirtual: z.boolean(),
  isUSB: z.boolean(),
  isCard: z.boolean(),
  mountpoints: z.array(z.object({ path: z.string(), label: z.string().nullable() })),
});

export const Reason = z.object({
  code: z.enum(['system', 'no-size', 'source', 'too-small', 'read-only', 'large', 'mounted', 'virtual-hidden']),
  severity: z.enum(['block', 'confirm', 'warn']),
  message: z.string(),
});

export const DriveStatus = Drive.extend({
  eligible: z.boolean(),
  needsConfirm: z.boolean(),
  reasons: z.array(Reason),
});

export const DriveIdentity = z.object({
  device: DevicePath,
  size: z.number().nullable(),
  description: z.string(),
  serial: z.string().nullable(),
});

/** An archive of files (or a folder) that walt-bench builds into a one-partition FAT32 card. */
export const CardSourceInfo = z.object({
  packing: z.enum(['tar', 'tar.gz', 'zip', 'folder']),
  files: z.number(),
  dirs: z.number(),
  contentBytes: z.number(),
  partitionBytes: z.number(),
  artifact: z.enum(['rpi-sd-files', 'rpi-4-recovery', 'rpi-5-recovery', 'pc-usb', 'unknown']),
  artifactReason: z.string(),
});

export const ImageInfo = z.object({
  path: z.string(),
  name: z.string(),
  kind: z.enum(['raw', 'gz', 'xz', 'zip', 'bz2', 'tar', 'folder']),
  fileSize: z.number(),
  /** Bytes written to a card (uncompressed). */
  size: z.number().nullable(),
  sizeIsEstimate: z.boolean(),
  /** Image names inside a zip; more than one means the technician must choose. */
  entries: z.array(z.string()),
  entry: z.string().nullable(),
  /** Block devices holding the image file. */
  sourceDevices: z.array(z.string()),
  warnings: z.array(z.string()),
  /** Set when the source is an archive of files: it is built into a FAT32 card, then written sparse. */
  card: CardSourceInfo.nullable().default(null),
});

export const CardPhase = z.enum(['queued', 'decompress', 'write', 'verify', 'done', 'failed', 'cancelled']);

export const CardProgress = z.object({
  sessionId: z.string(),
  device: z.string(),
  phase: CardPhase,
  bytes: z.number(),
  total: z.number().nullable(),
  speed: z.number(),
  eta: z.number().nullable(),
});

export const CardResult = z.object({
  device: z.string(),
  ok: z.boolean(),
  verified: z.boolean(),
  bytes: z.number(),
  error: z.string().nullable(),
  cancelled: z.boolean(),
  durationMs: z.number(),
  /** 'sparse': only the blocks the image's filesystems use; 'bmap': the ranges of its bmap; 'full': every byte. */
  mode: z.enum(['sparse', 'bmap', 'full']).optional(),
});

export const FlashSession = z.object({
  sessionId: z.string(),
  image: ImageInfo,
  verify: z.boolean(),
  cards: z.array(CardProgress),
  results: z.array(CardResult),
  finished: z.boolean(),
});

export const JournalRecord = z.object({
  time: z.string(),
  device: z.string(),
  size: z.number().nullable(),
  description: z.string(),
  serial: z.string().nullable(),
  imageName: z.string(),
  imageSha256: z.string().nullable(),
  bytes: z.number(),
  durationMs: z.number(),
  averageSpeed: z.number(),
  verified: z.boolean(),
  /** 'interrupted': started but never finished (the process died); 'in-progress': its process still runs. */
  result: z.enum(['ok', 'failed', 'cancelled', 'interrupted', 'in-progress']),
  error: z.string().nullable(),
  /** How the card was written (absent in older journals). */
  mode: z.enum(['sparse', 'bmap', 'full']).optional(),
});

export const Settings = z.object({
  /** Show virtual block devices (zram, nbd) as targets. */
  includeVirtualDrives: z.boolean(),
  /** Verify every card by reading it back. */
  verify: z.boolean(),
  /** Each console session log (raw and text) is rotated at this size (MiB)... */
  serialLogMiB: z.number().int().min(1).max(1024),
  /** ...keeping this many files (the current one included). */
  serialLogFiles: z.number().int().min(1).max(100),
  /** Station mode: the enrolled slots (stable slot paths). */
  stationSlots: z.array(z.string().max(4096)).max(256),
  /** Station mode: a card larger than this (bytes) is never written by a job (default 128 GB). */
  stationSizeLimitBytes: z.number().int().positive(),
  /** Flash: a card larger than this (bytes) needs an explicit confirmation (default 128 GB). */
  largeDriveBytes: z.number().int().min(1e9, 'at least 1 GB (1000000000 bytes)').max(100e12),
  /** The console's speed when none is given (CLI console/watch, the Console view). */
  defaultBaud: z.number().int().min(50).max(4_000_000),
  /** The desk link used by bench/check/observe when no --iface is given (null: always name it). */
  benchIface: z.string().regex(/^[A-Za-z0-9_.:@-]{1,15}$/, 'an interface name such as eth1').nullable(),
  /** Where the catalog is read from: an http(s) URL or an absolute file path (null: the shipped one). */
  catalogSource: z
    .string()
    .max(4096)
    .regex(/^(https?:\/\/\S+|\/[^\0]*)$/, 'an http(s) URL or an absolute file path')
    .nullable(),
  /** The folder of journal.jsonl (null: the state folder); it must be a folder the user can write. */
  journalDir: z.string().max(4096).regex(/^\/[^\0]*$/, 'an absolute folder path').nullable(),
});

export const DirEntry = z.object({
  name: z.string(),
  path: z.string(),
  kind: z.enum(['dir', 'file']),
  size: z.number(),
  isImage: z.boolean(),
});
