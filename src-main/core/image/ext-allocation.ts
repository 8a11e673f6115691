import { type ByteRange, bitmapRanges } from './byte-ranges.js';
import type { DiskReader } from './disk-reader.js';

/** What the allocation of an ext2/3/4 filesystem came to (ranges relative to the filesystem's start). */
export interface ExtAllocation {
  kind: 'ext2' | 'ext3' | 'ext4';
  /** Bytes the filesystem occupies. */
  bytes: number;
  /**
   * The boot block and superblock, every superblock copy, group descriptor and reserved GDT block, the bitmaps, the
   * inode table blocks that hold inodes in use, and every block the block bitmaps mark used (the journal included).
   */
  used: ByteRange[];
}

const INCOMPAT_JOURNAL_DEV = 0x8;
const INCOMPAT_META_BG = 0x10;
const INCOMPAT_EXTENTS = 0x40;
const INCOMPAT_64BIT = 0x80;
/** Incompat features whose layout this reader knows (meta_bg and journal devices are written in full). */
const INCOMPAT_KNOWN = 0x2 | 0x4 | INCOMPAT_EXTENTS | INCOMPAT_64BIT | 0x100 | 0x200 | 0x400 | 0x1000 | 0x2000 | 0x4000 | 0x8000 | 0x10000 | 0x20000;
const COMPAT_HAS_JOURNAL = 0x4;
const COMPAT_SPARSE_SUPER2 = 0x200;
const RO_SPARSE_SUPER = 0x1;
const RO_GDT_CSUM = 0x10;
const RO_METADATA_CSUM = 0x400;
const BG_INODE_UNINIT = 0x1;
const BG_BLOCK_UNINIT = 0x2;

/**
 * Reads an ext2/3/4 superblock, its group descriptors and block bitmaps and returns the bytes the filesystem uses,
 * or null when the bytes at `base` are not an ext filesystem walt-bench understands (it is then written in full).
 * Groups whose bitmap is not initialised (BLOCK_UNINIT) count their own metadata only, as the kernel does.
 */
export function extAllocation(disk: DiskReader, base: number, limit: number): ExtAllocation | null {
  const sb = disk.read(base + 1024, 1024);
  const s = new DataView(sb.buffer, sb.byteOffset, 1024);
  if (s.getUint16(0x38, true) !== 0xef53) return null;
  const logBlock = s.getUint32(0x18, true);
  if (logBlock > 6) return null;
  const bs = 1024 << logBlock;
  const compat = s.getUint32(0x5c, true);
  const incompat = s.getUint32(0x60, true);
  const roCompat = s.getUint32(0x64, true);
  if ((incompat & ~INCOMPAT_KNOWN) !== 0 || (incompat & (INCOMPAT_META_BG | INCOMPAT_JOURNAL_DEV)) !== 0) return null;
  const is64 = (incompat & INCOMPAT_64BIT) !== 0;
  const blocks = s.getUint32(0x04, true) + (is64 ? s.getUint32(0x150, true) * 2 ** 32 : 0);
  const firstData = s.getUint32(0x14, true);
  const bpg = s.getUint32(0x20, true);
  const ipg = s.getUint32(0x28, true);
  const inodeSize = s.getUint32(0x4c, true) === 0 ? 128 : s.getUint16(0x58, true);
  const descSize = is64 ? s.getUint16(0xfe, true) : 32;
  const reservedGdt = s.getUint16(0xce, true);
  if (blocks === 0 || bpg === 0 || bpg > bs * 8 || ipg === 0 || inodeSize < 128 || descSize < 32) return null;
  if (blocks * bs > limit || blocks > 2 ** 32) return null;
  const groups = Math.ceil((blocks - firstData) / bpg);
  const gdtBlocks = Math.ceil((groups * descSize) / bs);
  const csum = (roCompat & (RO_GDT_CSUM | RO_METADATA_CSUM)) !== 0;
  const gdt = disk.read(base + (firstData + 1) * bs, gdtBlocks * bs);
  const g = new DataView(gdt.buffer, gdt.byteOffset, gdt.length);
  const backups = [s.getUint32(0x24c, true), s.getUint32(0x250, true)];
  const hasSuper = (group: number): boolean => {
    if (group === 0) return true;
    if ((compat & COMPAT_SPARSE_SUPER2) !== 0) return backups.includes(group);
    if ((roCompat & RO_SPARSE_SUPER) === 0) return true;
    return [3, 5, 7].some((p) => isPowerOf(group, p)) || group === 1;
  };
  const used = new Uint8Array(Math.ceil(blocks / 8));
  const mark = (from: number, count: number, on: boolean): void => {
    for (let b = from; b < Math.min(blocks, from + count); b += 1) {
      if (on) used[b >> 3]! |= 1 << (b & 7);
      else used[b >> 3]! &= ~(1 << (b & 7));
    }
  };
  const unusedTables: { from: number; count: number }[] = [];
  for (let i = 0; i < groups; i += 1) {
    const at = i * descSize;
    const hi = (off: number): number => (descSize >= 64 ? g.getUint32(at + off, true) * 2 ** 32 : 0);
    const blockBitmap = g.getUint32(at, true) + hi(0x20);
    const inodeBitmap = g.getUint32(at + 4, true) + hi(0x24);
    const inodeTable = g.getUint32(at + 8, true) + hi(0x28);
    const flags = g.getUint16(at + 0x12, true);
    const itableUnused = g.getUint16(at + 0x1c, true) + (descSize >= 64 ? g.getUint16(at + 0x32, true) * 65536 : 0);
    if (blockBitmap >= blocks || inodeBitmap >= blocks || inodeTable >= blocks) return null;
    const start = firstData + i * bpg;
    if (hasSuper(i)) mark(start, 1 + gdtBlocks + reservedGdt, true);
    mark(blockBitmap, 1, true);
    mark(inodeBitmap, 1, true);
    const inUse = !csum ? ipg : (flags & BG_INODE_UNINIT) !== 0 ? 0 : Math.max(0, ipg - itableUnused);
    const tableBlocks = Math.ceil((ipg * inodeSize) / bs);
    const usedTableBlocks = Math.ceil((inUse * inodeSize) / bs);
    mark(inodeTable, usedTableBlocks, true);
    unusedTables.push({ from: inodeTable + usedTableBlocks, count: tableBlocks - usedTableBlocks });
    if (csum && (flags & BG_BLOCK_UNINIT) !== 0) continue;
    const bitmap = disk.read(base + blockBitmap * bs, bs);
    const inGroup = Math.min(bpg, blocks - start);
    for (let b = 0; b < inGroup; b += 1) {
      if ((bitmap[b >> 3]! & (1 << (b & 7))) !== 0) mark(start + b, 1, true);
    }
  }
  // The bitmaps mark whole inode tables used; the part past the inodes in use is never read (itable_unused).
  for (const t of unusedTables) mark(t.from, t.count, false);
  const ranges = bitmapRanges((b) => (used[b >> 3]! & (1 << (b & 7))) !== 0, blocks, bs, 0);
  const kind = (incompat & INCOMPAT_EXTENTS) !== 0 || is64 ? 'ext4' : (compat & COMPAT_HAS_JOURNAL) !== 0 ? 'ext3' : 'ext2';
  return { kind, bytes: blocks * bs, used: [{ offset: 0, length: 2048 }, ...ranges] };
}

function isPowerOf(n: number, p: number): boolean {
  let x = p;
  while (x < n) x *= p;
  return x === n;
}
