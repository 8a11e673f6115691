/** Granularity of a sparse image: 64 KiB blocks, aligned for O_DIRECT writes. */
export const BLOCK_BYTES = 64 * 1024;

/** One run of bytes to write at an offset of the card. */
export interface Extent {
  offset: number;
  data: Uint8Array;
}

/**
 * A disk image held in memory as the 64 KiB blocks that were written (zeros included: a zeroed FAT or directory
 * block must reach the card). Blocks never written are holes: the card keeps what it had there, which no FAT
 * structure points at.
 */
export class SparseImage {
  private readonly blocks = new Map<number, Uint8Array>();

  constructor(readonly size: number) {}

  /** Writes bytes at an offset (allocating the blocks they touch). */
  write(offset: number, data: Uint8Array): void {
    if (offset < 0 || offset + data.length > this.size) throw new RangeError(`write past the image end (${offset}+${data.length})`);
    let at = 0;
    while (at < data.length) {
      const pos = offset + at;
      const index = Math.floor(pos / BLOCK_BYTES);
      const within = pos - index * BLOCK_BYTES;
      const n = Math.min(BLOCK_BYTES - within, data.length - at);
      let block = this.blocks.get(index);
      if (!block) {
        block = new Uint8Array(BLOCK_BYTES);
        this.blocks.set(index, block);
      }
      block.set(data.subarray(at, at + n), within);
      at += n;
    }
  }

  /** Reads bytes (holes read as zeros) into `out` or a new array. */
  read(offset: number, length: number, out: Uint8Array = new Uint8Array(length)): Uint8Array {
    let at = 0;
    while (at < length) {
      const pos = offset + at;
      const index = Math.floor(pos / BLOCK_BYTES);
      const within = pos - index * BLOCK_BYTES;
      const n = Math.min(BLOCK_BYTES - within, length - at);
      const block = this.blocks.get(index);
      if (block) out.set(block.subarray(within, within + n), at);
      else out.fill(0, at, at + n);
      at += n;
    }
    return out;
  }

  /** Bytes held (written blocks). */
  get storedBytes(): number {
    return this.blocks.size * BLOCK_BYTES;
  }

  /** The written blocks merged into runs of at most `maxRun` bytes, in offset order. */
  extents(maxRun = 4 << 20): Extent[] {
    const indexes = [...this.blocks.keys()].sort((a, b) => a - b);
    const out: Extent[] = [];
    let i = 0;
    while (i < indexes.length) {
      let j = i;
      while (j + 1 < indexes.length && indexes[j + 1] === indexes[j]! + 1 && (j + 2 - i) * BLOCK_BYTES <= maxRun) j += 1;
      const start = indexes[i]! * BLOCK_BYTES;
      const end = Math.min(this.size, (indexes[j]! + 1) * BLOCK_BYTES);
      const data = new Uint8Array(end - start);
      for (let k = i; k <= j; k += 1) {
        const b = this.blocks.get(indexes[k]!)!;
        const at = (indexes[k]! - indexes[i]!) * BLOCK_BYTES;
        data.set(b.subarray(0, Math.min(BLOCK_BYTES, data.length - at)), at);
      }
      out.push({ offset: start, data });
      i = j + 1;
    }
    return out;
  }
}
