import { decodeMbr, GPT_PROTECTIVE } from '../card/mbr.js';
import { decodeGptEntries, gptEntryArea, gptEntryBytes, isGptHeader } from '../card/gpt.js';
import { SECTOR } from '../card/layout.js';
import { alignRanges, type ByteRange, intersectRanges, mergeRanges, rangesBytes } from './byte-ranges.js';
import type { DiskReader } from './disk-reader.js';
import { extAllocation } from './ext-allocation.js';
import { fatAllocation } from './fat-allocation.js';

/** The GPT type of a BIOS boot partition (GRUB's core image: written in full, whatever it holds). */
const BIOS_BOOT_GUID = '21686148-6449-6E6F-744E-656564454649';
const BIOS_BOOT = 'BIOS boot partition';
/** MBR types of extended partitions (their logical partitions are written in full). */
const MBR_EXTENDED = new Set([0x05, 0x0f, 0x85]);
/** Granularity of every range of the map: the card's O_DIRECT alignment. */
export const MAP_ALIGNMENT = 4096;
const SCAN_CHUNK = 1 << 20;

/** How one partition (or the whole image, when it has no partition table) is written. */
export interface PartitionPlan {
  /** 'p1', 'p2'... or 'disk' for a filesystem without a partition table. */
  name: string;
  offset: number;
  bytes: number;
  /** The filesystem whose allocation is written, or 'full' (written byte for byte) with why. */
  filesystem: 'FAT12' | 'FAT16' | 'FAT32' | 'ext2' | 'ext3' | 'ext4' | 'full';
  why: string;
  /** Bytes of this partition the map writes. */
  writtenBytes: number;
}

/** Which bytes of a disk image a card needs: everything outside these ranges is never read by what the image holds. */
export interface AllocationMap {
  size: number;
  table: 'gpt' | 'mbr' | 'none';
  partitions: PartitionPlan[];
  /** Sorted, merged, 4 KiB-aligned ranges to write (the last one may run past `size`, padded with zeros). */
  ranges: ByteRange[];
  /** Total bytes of `ranges`. */
  bytes: number;
}

export interface Slice {
  name: string;
  offset: number;
  bytes: number;
  forceFull: string | null;
}

/**
 * The allocation map of a raw disk image: the partition tables and every gap holding data, the BIOS boot and unknown
 * partitions in full, and for each FAT12/16/32 or ext2/3/4 partition only its allocated blocks (and any non-zero data
 * past the filesystem's end). An image without a partition table is mapped as one filesystem, or written in full.
 * With `vouched` (a bmap's ranges, checked against the image), everything but the tables and the filesystems it reads
 * is written only where the bmap says it holds data.
 */
export function allocationMap(disk: DiskReader, options: { vouched?: ByteRange[] } = {}): AllocationMap {
  const { table, slices, tables } = partitionsOf(disk);
  const plans: PartitionPlan[] = [];
  const known: ByteRange[] = [];
  let opaque: ByteRange[] = [];
  for (const slice of slices) {
    const plan = planSlice(disk, slice);
    plans.push(plan.plan);
    // GRUB's core in the BIOS boot partition is written whole even with a bmap: the card must boot.
    (plan.plan.filesystem === 'full' && slice.forceFull !== BIOS_BOOT ? opaque : known).push(...plan.ranges);
  }
  // Every other byte outside the partitions and their tables when it holds data.
  const covered = mergeRanges([...tables, ...slices.map((s) => ({ offset: s.offset, length: s.bytes }))]);
  for (const gap of complement(covered, disk.size)) opaque.push(...dataIn(disk, gap));
  // A bmap vouches for what the parts walt-bench cannot read need; the filesystems it reads keep their own allocation.
  if (options.vouched) opaque = intersectRanges(opaque, options.vouched);
  for (const plan of plans) if (plan.filesystem === 'full' && plan.why !== BIOS_BOOT) plan.writtenBytes = rangesBytes(intersectRanges(opaque, [{ offset: plan.offset, length: plan.bytes }]));
  // The partition tables are written whatever they hold.
  const aligned = alignRanges([...tables, ...known, ...opaque], MAP_ALIGNMENT, disk.size);
  return { size: disk.size, table, partitions: plans, ranges: aligned, bytes: rangesBytes(aligned) };
}

export function partitionsOf(disk: DiskReader): { table: AllocationMap['table']; slices: Slice[]; tables: ByteRange[] } {
  const mbr = decodeMbr(disk.read(0, SECTOR));
  const clamp = (name: string, offset: number, bytes: number, forceFull: string | null): Slice => ({
    name,
    offset: Math.min(offset, disk.size),
    bytes: Math.max(0, Math.min(bytes, disk.size - offset)),
    forceFull,
  });
  if (mbr?.partitions.some((p) => p.type === GPT_PROTECTIVE)) {
    const header = disk.read(SECTOR, SECTOR);
    const odd = (why: string) => ({ table: 'gpt' as const, slices: [clamp('disk', 0, disk.size, why)], tables: [] });
    if (!isGptHeader(header)) return odd('a protective MBR without a GPT header at LBA 1');
    const area = gptEntryArea(header);
    if (area.size < 128 || area.count > 4096) return odd('a GPT header with an unusual entry array');
    const entryBytes = gptEntryBytes(area);
    const entries = decodeGptEntries(disk.read(area.lba * SECTOR, entryBytes), area.count, area.size);
    // The primary GPT (MBR, header, entries) and the backup (entries then header at the alternate LBA).
    const alternate = Number(new DataView(header.buffer, header.byteOffset, SECTOR).getBigUint64(32, true));
    const tables: ByteRange[] = [{ offset: 0, length: Math.max(2 * SECTOR, area.lba * SECTOR + entryBytes) }];
    if ((alternate + 1) * SECTOR <= disk.size) tables.push({ offset: alternate * SECTOR - entryBytes, length: entryBytes + SECTOR });
    return {
      table: 'gpt',
      tables,
      slices: entries.map((e) =>
        clamp(`p${e.index}`, e.firstLba * SECTOR, (e.lastLba - e.firstLba + 1) * SECTOR, e.typeGuid === BIOS_BOOT_GUID ? BIOS_BOOT : null),
      ),
    };
  }
  const wholeDisk = fatAllocation(disk, 0, disk.size) ?? extAllocation(disk, 0, disk.size);
  if (mbr && mbr.partitions.length > 0 && !wholeDisk) {
    return {
      table: 'mbr',
      tables: [{ offset: 0, length: SECTOR }],
      slices: mbr.partitions.map((p) =>
        clamp(`p${p.index}`, p.startLba * SECTOR, p.sectors * SECTOR, MBR_EXTENDED.has(p.type) ? 'extended partition' : null),
      ),
    };
  }
  return { table: 'none', slices: [clamp('disk', 0, disk.size, wholeDisk ? null : 'no partition table and no known filesystem')], tables: [] };
}

export function planSlice(disk: DiskReader, slice: Slice): { plan: PartitionPlan; ranges: ByteRange[] } {
  const whole = { offset: slice.offset, length: slice.bytes };
  const full = (why: string): { plan: PartitionPlan; ranges: ByteRange[] } => ({
    plan: { name: slice.name, offset: slice.offset, bytes: slice.bytes, filesystem: 'full', why, writtenBytes: slice.bytes },
    ranges: [whole],
  });
  if (slice.bytes === 0) return full('empty');
  if (slice.forceFull) return full(slice.forceFull);
  const fs = fatAllocation(disk, slice.offset, slice.bytes) ?? extAllocation(disk, slice.offset, slice.bytes);
  if (!fs) return full('no filesystem walt-bench understands');
  const ranges = fs.used.map((r) => ({ offset: slice.offset + r.offset, length: r.length }));
  // Bytes of the partition past the filesystem's end are not the filesystem's: written when they hold data.
  ranges.push(...dataIn(disk, { offset: slice.offset + fs.bytes, length: slice.bytes - fs.bytes }));
  const merged = mergeRanges(ranges);
  return {
    plan: { name: slice.name, offset: slice.offset, bytes: slice.bytes, filesystem: fs.kind, why: 'allocated blocks', writtenBytes: rangesBytes(merged) },
    ranges: merged,
  };
}

/** The range itself when any of its bytes is not zero (a gap holding data is written in full), else nothing. */
export function dataIn(disk: DiskReader, range: ByteRange): ByteRange[] {
  for (let at = range.offset; at < range.offset + range.length; at += SCAN_CHUNK) {
    const chunk = disk.read(at, Math.min(SCAN_CHUNK, range.offset + range.length - at));
    if (!allZero(chunk)) return [range];
  }
  return [];
}

/** True when every byte is 0: 4 bytes a step where aligned (a callback per byte costs ~30 ms on a 25 MiB image). */
export function allZero(bytes: Uint8Array): boolean {
  const head = (4 - (bytes.byteOffset % 4)) % 4;
  if (bytes.length < head + 4) return bytes.every((b) => b === 0);
  for (let i = 0; i < head; i += 1) if (bytes[i] !== 0) return false;
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset + head, (bytes.length - head) >>> 2);
  for (let i = 0; i < words.length; i += 1) if (words[i] !== 0) return false;
  for (let i = head + words.length * 4; i < bytes.length; i += 1) if (bytes[i] !== 0) return false;
  return true;
}

export function complement(covered: ByteRange[], size: number): ByteRange[] {
  const out: ByteRange[] = [];
  let at = 0;
  for (const r of covered) {
    if (r.offset > at) out.push({ offset: at, length: r.offset - at });
    at = Math.max(at, r.offset + r.length);
  }
  if (at < size) out.push({ offset: at, length: size - at });
  return out;
}
