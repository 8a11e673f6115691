import { closeSync, fdatasyncSync, ftruncateSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { BLOCK_BYTES } from './sparse-image.js';

/** Where a card image is built: an in-memory SparseImage, or a FileImage on disk (same calls). */
export interface CardImage {
  readonly size: number;
  write(offset: number, data: Uint8Array): void;
  read(offset: number, length: number, out?: Uint8Array): Uint8Array;
  /** Bytes held (the 64 KiB blocks written). */
  readonly storedBytes: number;
}

/**
 * A card image built straight into a sparse file (`PATH.part`, renamed to PATH by `commit`): memory stays bounded
 * whatever the content's size. Blocks never written stay holes. Writes are synchronous because FatFs's disk
 * callbacks are.
 */
export class FileImage implements CardImage {
  private readonly fd: number;
  private readonly touched = new Set<number>();
  private readonly tmp: string;
  private open = true;

  constructor(readonly path: string, readonly size: number) {
    this.tmp = `${path}.part`;
    this.fd = openSync(this.tmp, 'w+');
    ftruncateSync(this.fd, size);
  }

  /** Writes bytes at an offset of the image. */
  write(offset: number, data: Uint8Array): void {
    if (offset < 0 || offset + data.length > this.size) throw new RangeError(`write past the image end (${offset}+${data.length})`);
    let done = 0;
    while (done < data.length) done += writeSync(this.fd, data, done, data.length - done, offset + done);
    for (let b = Math.floor(offset / BLOCK_BYTES); b * BLOCK_BYTES < offset + data.length; b += 1) this.touched.add(b);
  }

  /** Reads bytes (holes read as zeros). */
  read(offset: number, length: number, out: Uint8Array = new Uint8Array(length)): Uint8Array {
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, out, done, length - done, offset + done);
      if (n === 0) {
        out.fill(0, done, length);
        break;
      }
      done += n;
    }
    return out;
  }

  /** Bytes of the 64 KiB blocks written. */
  get storedBytes(): number {
    return this.touched.size * BLOCK_BYTES;
  }

  /** fdatasyncs the image, closes it and renames it to its path. */
  commit(): void {
    fdatasyncSync(this.fd);
    this.close();
    renameSync(this.tmp, this.path);
  }

  /** Closes and removes the partial image (a failed build leaves nothing behind). */
  discard(): void {
    this.close();
    rmSync(this.tmp, { force: true });
  }

  private close(): void {
    if (!this.open) return;
    this.open = false;
    closeSync(this.fd);
  }
}
