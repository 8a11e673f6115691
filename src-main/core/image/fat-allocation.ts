import { type ByteRange, bitmapRanges } from './byte-ranges.js';
import type { DiskReader } from './disk-reader.js';

/** What the allocation of a FAT volume came to: its kind and the bytes it uses (relative to the volume's start). */
export interface FatAllocation {
  kind: 'FAT12' | 'FAT16' | 'FAT32';
  /** Bytes the volume occupies. */
  bytes: number;
  /** Reserved sectors, every FAT copy, the FAT12/16 root directory and each cluster whose FAT entry is not 0. */
  used: ByteRange[];
}

/**
 * Reads a FAT12/16/32 volume's boot sector and FAT and returns the bytes it uses, or null when the bytes at `base`
 * are not a FAT volume walt-bench understands (it is then written in full). `limit` is the room the volume has.
 */
export function fatAllocation(disk: DiskReader, base: number, limit: number): FatAllocation | null {
  const bs = disk.read(base, 512);
  const v = new DataView(bs.buffer, bs.byteOffset, 512);
  if (bs[510] !== 0x55 || bs[511] !== 0xaa) return null;
  if (bs[0] !== 0xeb && bs[0] !== 0xe9) return null;
  const bps = v.getUint16(11, true);
  const spc = bs[13]!;
  const reserved = v.getUint16(14, true);
  const fats = bs[16]!;
  const rootEntries = v.getUint16(17, true);
  const total = v.getUint16(19, true) || v.getUint32(32, true);
  const fat16Sectors = v.getUint16(22, true);
  const fatSectors = fat16Sectors || v.getUint32(36, true);
  if (![512, 1024, 2048, 4096].includes(bps)) return null;
  if (spc === 0 || (spc & (spc - 1)) !== 0 || reserved === 0 || fats === 0 || fats > 4 || fatSectors === 0) return null;
  const rootSectors = Math.ceil((rootEntries * 32) / bps);
  const firstData = reserved + fats * fatSectors + rootSectors;
  if (total <= firstData || total * bps > limit) return null;
  const clusters = Math.floor((total - firstData) / spc);
  // As Linux and mtools decide: a 16-bit FAT size of 0 is FAT32 (mkfs.vfat -F 32 makes small ones), else by clusters.
  const kind = fat16Sectors === 0 ? 'FAT32' : clusters < 4085 ? 'FAT12' : 'FAT16';
  if ((kind === 'FAT32') !== (rootEntries === 0)) return null;
  const entryBits = kind === 'FAT12' ? 12 : kind === 'FAT16' ? 16 : 32;
  const fatBytes = Math.ceil(((clusters + 2) * entryBits) / 8);
  if (fatBytes > fatSectors * bps) return null;
  const fat = disk.read(base + reserved * bps, fatBytes);
  const fv = new DataView(fat.buffer, fat.byteOffset, fat.length);
  const entry = (n: number): number => {
    if (kind === 'FAT32') return fv.getUint32(n * 4, true) & 0x0fffffff;
    if (kind === 'FAT16') return fv.getUint16(n * 2, true);
    const at = Math.floor((n * 3) / 2);
    const pair = fat[at]! | (fat[at + 1]! << 8);
    return n % 2 === 0 ? pair & 0xfff : pair >> 4;
  };
  const clusterBytes = spc * bps;
  const used: ByteRange[] = [
    { offset: 0, length: firstData * bps },
    ...bitmapRanges((c) => entry(c + 2) !== 0, clusters, clusterBytes, firstData * bps),
  ];
  return { kind, bytes: total * bps, used };
}
