import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { NEW_FILE, READ_NOFOLLOW } from '../access/state-files.js';
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


/** What a saved map is kept with: the image file it was read from, as it was (a change of any of these redoes it). */
interface SavedMap {
  version: 1;
  path: string;
  size: number;
  mtimeMs: number;
  ino: number;
  map: AllocationMap;
}

/**
 * mapImageFile, kept in `stateDir` (map-<hash of the path>.json) for the next card of a later process: a technician
 * writing one image to a box of cards reads its allocation once (~10-15 ms before each first byte otherwise). The
 * saved map is used only while the file has the same size, modification time and inode.
 */
export function mapImageFileSaved(path: string, stateDir: string): AllocationMap {
  const st = statSync(path);
  const file = join(stateDir, `map-${createHash('sha256').update(path).digest('hex').slice(0, 24)}.json`);
  try {
    const fd = openSync(file, READ_NOFOLLOW);
    let saved: SavedMap;
    try {
      saved = JSON.parse(readFileSync(fd, 'utf8')) as SavedMap;
    } finally {
      closeSync(fd);
    }
    if (saved.version === 1 && saved.path === path && saved.size === st.size && saved.mtimeMs === st.mtimeMs && saved.ino === st.ino && saved.map.size === st.size) {
      return saved.map;
    }
  } catch {
    // none saved, or unreadable: read it again
  }
  const map = mapImageFile(path);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    rmSync(tmp, { force: true });
    const fd = openSync(tmp, NEW_FILE, 0o644);
    try {
      writeSync(fd, JSON.stringify({ version: 1, path, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, map } satisfies SavedMap));
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
    // not saved: the next card reads it again
  }
  return map;
}
