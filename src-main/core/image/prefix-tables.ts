import type { ByteRange } from './byte-ranges.js';
import { partitionsOf } from './allocation-map.js';
import { bufferReader } from './disk-reader.js';

/**
 * The partition tables (MBR, primary and backup GPT) of a disk image of `size` bytes whose first `prefix` bytes are
 * known, read from them (null: none readable there; bytes past the prefix read as zeros, enough to find the tables,
 * never used for what is written), and where its first partition starts (0: no partition).
 */
export function tablesInPrefix(prefix: Uint8Array, size: number): { tables: ByteRange[]; firstPartition: number } | null {
  try {
    const { tables, slices } = partitionsOf({ ...bufferReader(prefix), size });
    if (tables.length === 0) return null;
    const starts = slices.map((s) => s.offset).filter((o) => o > 0);
    return { tables, firstPartition: starts.length > 0 ? Math.min(...starts) : 0 };
  } catch {
    return null;
  }
}
