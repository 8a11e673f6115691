/** Sector size of every card walt-bench builds. */
export const SECTOR = 512;
/** Partition alignment and start: 4 MiB, the erase-block size SD cards are laid out for. */
export const ALIGN_BYTES = 4 << 20;
/** The smallest FAT32 partition walt-bench makes (FAT32 needs at least 65525 clusters; 64 MiB at 512 B each). */
export const MIN_PARTITION_BYTES = 64 << 20;
/** Sectors a GPT keeps at the end of a disk (backup header + 32 sectors of entries). */
export const BACKUP_GPT_SECTORS = 33;
/** The largest file FAT32 can hold. */
export const MAX_FAT_FILE_BYTES = 2 ** 32 - 1;

/** Where the one partition of a card goes and how large the image is. */
export interface CardLayout {
  partitionStart: number;
  partitionBytes: number;
  /** Bytes of the image: partition start + partition size (the rest of the card is never written). */
  imageBytes: number;
}

/** What the content of a card needs, counted the FAT way. */
export interface ContentSize {
  /** Sum of the file sizes. */
  bytes: number;
  files: number;
  dirs: number;
}

/** Rounds up to a multiple of `step`. */
export function roundUp(value: number, step: number): number {
  return Math.ceil(value / step) * step;
}

/**
 * Plans the partition: at least 64 MiB and at least 4/3 of the content (room for FAT overhead and slack), rounded up
 * to 4 MiB, starting at 4 MiB. With `growTo` (a card size) it takes the whole card but the last 4 MiB step that
 * would reach the backup-GPT area. Returns an error sentence when the content cannot fit the card.
 */
export function planCardLayout(
  content: ContentSize,
  options: { cardBytes?: number | null; growToCard?: boolean } = {},
): { ok: true; layout: CardLayout } | { ok: false; message: string } {
  // every file and directory costs at least one cluster's slack and directory entries: count 4 KiB each
  const need = content.bytes + (content.files + content.dirs) * 4096;
  let partitionBytes = Math.max(MIN_PARTITION_BYTES, roundUp((need * 4) / 3, ALIGN_BYTES));
  const card = options.cardBytes ?? null;
  if (card !== null) {
    const usable = Math.floor((card - ALIGN_BYTES - BACKUP_GPT_SECTORS * SECTOR) / ALIGN_BYTES) * ALIGN_BYTES;
    if (usable < partitionBytes) {
      return {
        ok: false,
        message: `the content (${mib(content.bytes)} in ${content.files} files) needs a ${mib(partitionBytes)} partition ` +
          `from 4 MiB on: the card (${mib(card)}) is too small`,
      };
    }
    if (options.growToCard) partitionBytes = usable;
  }
  return { ok: true, layout: { partitionStart: ALIGN_BYTES, partitionBytes, imageBytes: ALIGN_BYTES + partitionBytes } };
}

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}
