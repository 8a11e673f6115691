import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { type AllocationMap, allocationMap } from '../../core/image/allocation-map.js';
import type { ByteRange } from '../../core/image/byte-ranges.js';
import { bufferReader, type DiskReader } from '../../core/image/disk-reader.js';

/** A DiskReader over an open file descriptor (positional reads; past the end reads as zeros). */
function fileReader(fd: number, size: number): DiskReader {
  return {
    size,
    read(offset, length) {
      const out = Buffer.alloc(length);
      let done = 0;
      while (done < length && offset + done < size) {
        const n = readSync(fd, out, done, length - done, offset + done);
        if (n === 0) break;
        done += n;
      }
      return out;
    },
  };
}

/** The allocation map of a raw disk image held in memory (see mapImageFile). */
export function mapImageData(data: Uint8Array, vouched?: ByteRange[]): AllocationMap {
  return allocationMap(bufferReader(data), vouched ? { vouched } : {});
}

/**
 * The allocation map of a raw disk image file: which of its bytes a card needs (see core/image/allocation-map);
 * `vouched`: a bmap's checked ranges, used where walt-bench cannot read the allocation itself.
 */
export function mapImageFile(path: string, vouched?: ByteRange[]): AllocationMap {
  const fd = openSync(path, 'r');
  try {
    return allocationMap(fileReader(fd, fstatSync(fd).size), vouched ? { vouched } : {});
  } finally {
    closeSync(fd);
  }
}

