import { closeSync, fdatasyncSync, ftruncateSync, readSync, rmSync, writeSync } from 'node:fs';
import { BLOCK_BYTES } from './sparse-image.js';

/** Where a card image is built: an in-memory SparseImage, or a FileImage on disk (same calls). */
export interface CardImage {
  readonly size: number;
  write(offset: number, data: Uint8Array): void;
  read(offset: number, length: number, out?: Uint8Array): Uint8Array;
  /** Bytes held (the 64 KiB blocks written). */
  readonly storedBytes: number;
}

/** Granularity of the metadata cache: one 4 KiB page (a FAT sector run, a directory cluster, a file's tail). */
const PAGE = 4096;
/** The cache is written back and emptied when it holds more than this. */
const CACHE_LIMIT = 16 << 20;

/**
 * A card image built straight into a sparse file (the `.part` of a checked output, opened by the caller and put in
 * place once `finish` has synced it): memory stays bounded whatever the content's size. Large writes (file data in
 * runs of clusters) go to the file; small ones (FAT sectors, directory entries, file tails) are kept in a write-back
 * cache of 4 KiB pages, because FatFs reads and rewrites them sector by sector (a directory is scanned at every file
 * it creates). Blocks never written stay holes. All I/O is synchronous because FatFs's disk callbacks are.
 */
export class FileImage implements CardImage {
  private readonly touched = new Set<number>();
  private readonly pages = new Map<number, { bytes: Uint8Array; dirty: boolean }>();
  private open = true;

  /** `fd` is open read-write on `tmp` (created fresh); the image owns it from here. */
  constructor(private readonly fd: number, private readonly tmp: string, readonly size: number) {
    ftruncateSync(this.fd, size);
  }

  /** Writes bytes at an offset of the image. */
  write(offset: number, data: Uint8Array): void {
    if (offset < 0 || offset + data.length > this.size) throw new RangeError(`write past the image end (${offset}+${data.length})`);
    const large = data.length >= BLOCK_BYTES;
    if (large) this.writeFile(offset, data);
    this.eachPage(offset, data.length, (index, within, at, n) => {
      let page = this.pages.get(index);
      if (!page) {
        if (large) return;
        // a page never written is a hole: zeros, no read
        const fresh = !this.touched.has(Math.floor((index * PAGE) / BLOCK_BYTES));
        page = { bytes: fresh ? new Uint8Array(PAGE) : this.readFile(index * PAGE, PAGE, new Uint8Array(PAGE)), dirty: false };
        this.pages.set(index, page);
      }
      page.bytes.set(data.subarray(at, at + n), within);
      page.dirty ||= !large;
    });
    for (let b = Math.floor(offset / BLOCK_BYTES); b * BLOCK_BYTES < offset + data.length; b += 1) this.touched.add(b);
    if (this.pages.size * PAGE > CACHE_LIMIT) this.flush(true);
  }

  /** Reads bytes (holes read as zeros). */
  read(offset: number, length: number, out: Uint8Array = new Uint8Array(length)): Uint8Array {
    this.eachPage(offset, length, (index, within, at, n) => {
      const page = this.pages.get(index);
      if (page) out.set(page.bytes.subarray(within, within + n), at);
      else this.readFile(offset + at, n, out.subarray(at, at + n));
    });
    return out;
  }

  /** Bytes of the 64 KiB blocks written. */
  get storedBytes(): number {
    return this.touched.size * BLOCK_BYTES;
  }

  /** Writes the cache back, fdatasyncs the image and closes it (the caller then puts `tmp` in place). */
  finish(): void {
    this.flush(false);
    fdatasyncSync(this.fd);
    this.close();
  }

  /** Closes and removes the partial image (a failed build leaves nothing behind). */
  discard(): void {
    this.close();
    rmSync(this.tmp, { force: true });
  }

  /** Writes the dirty pages back, adjacent ones in one run (up to 1 MiB); `drop` empties the cache. */
  private flush(drop: boolean): void {
    const dirty = [...this.pages].filter(([, p]) => p.dirty).sort((a, b) => a[0] - b[0]);
    const run = new Uint8Array(1 << 20);
    let i = 0;
    while (i < dirty.length) {
      const start = dirty[i]![0];
      let n = 0;
      while (i < dirty.length && dirty[i]![0] === start + n && (n + 1) * PAGE <= run.length) {
        run.set(dirty[i]![1].bytes, n * PAGE);
        dirty[i]![1].dirty = false;
        n += 1;
        i += 1;
      }
      this.writeFile(start * PAGE, run.subarray(0, Math.min(n * PAGE, this.size - start * PAGE)));
    }
    if (drop) this.pages.clear();
  }

  private eachPage(offset: number, length: number, fn: (index: number, within: number, at: number, n: number) => void): void {
    let at = 0;
    while (at < length) {
      const pos = offset + at;
      const index = Math.floor(pos / PAGE);
      const within = pos - index * PAGE;
      const n = Math.min(PAGE - within, length - at);
      fn(index, within, at, n);
      at += n;
    }
  }

  private writeFile(offset: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) done += writeSync(this.fd, data, done, data.length - done, offset + done);
  }

  private readFile(offset: number, length: number, out: Uint8Array): Uint8Array {
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

  private close(): void {
    if (!this.open) return;
    this.open = false;
    closeSync(this.fd);
  }
}
