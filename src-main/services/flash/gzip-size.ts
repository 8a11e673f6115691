import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createGunzip } from 'node:zlib';
import { ApiError } from '../../api/errors.js';
import { explainDecodeFailure, type SourceFailure } from '../../core/flash/source-failure.js';
import { GrowingImage, inflateGrowing } from './growing-image.js';

/** What the gzip file says of its uncompressed size. */
export type GzipSize =
  /** The whole stream was inflated within the budget: the exact size. */
  | { kind: 'exact'; size: number }
  /** Too big to inflate at once: ISIZE (the size modulo 2^32), checked against what the first part inflated to. */
  | { kind: 'estimate'; size: number }
  /** ISIZE cannot be the size (smaller than what the first part inflated to): at least `atLeast` bytes. */
  | { kind: 'unknown'; atLeast: number }
  /** The stream ends early or is corrupt: the sentence naming the file, the offset and the cause, and the fix. */
  | { kind: 'broken'; failure: SourceFailure };

/** Compressed bytes inflated to check a .gz before writing it (larger files are checked on their first part). */
export const GZIP_CHECK_BUDGET = 32 * 1024 * 1024;
/** Inflated bytes after which the check stops even within the budget (a card image of zeros compresses 1000:1). */
const OUTPUT_LIMIT = 1024 * 1024 * 1024;

/** Inflated bytes a whole check keeps in memory for the flash that follows (the image is then inflated once). */
export const KEEP_INFLATED_LIMIT = 64 * 1024 * 1024;

const cache = new Map<string, GzipSize>();
/** Files (path, size, modification time) that inflated past their trailer's size: checked whole, never streamed. */
const wholeOnly = new Set<string>();
/**
 * The last whole check's inflated bytes (one image at a time), keyed by path, size and modification time: a buffer
 * the streamed check filled and found intact, or a small .gz still inflating (a GrowingImage the cards write from).
 */
let held: { key: string; data: Buffer | GrowingImage } | null = null;
/** Checks under way: callers asking together (image.inspect and drives.list in the CLI) share one inflation. */
const inflight = new Map<string, Promise<GzipSize>>();

/**
 * The uncompressed size of a .gz: a file up to `budget` bytes is inflated whole (exact size, and a truncated or
 * corrupt stream is found before anything is written); a larger one gives its trailer's ISIZE, kept only when it
 * is at least what the first `budget` bytes inflated to (a truncated file's last 4 bytes are compressed data, not a
 * size). Results are cached per path, size and modification time (drives.list asks again on every card change), and
 * a check under way is shared.
 */
export async function gzipSize(path: string, fileSize: number, mtimeMs: number, isize: number | null, budget = GZIP_CHECK_BUDGET): Promise<GzipSize> {
  const key = `${path}\0${fileSize}\0${mtimeMs}\0${budget}`;
  const file = heldKey(path, fileSize, mtimeMs);
  const hit = cache.get(key);
  if (hit) return hit;
  let pending = inflight.get(key);
  if (!pending) {
    // A new check of the file supersedes what an earlier one left held (a stream that inflated past its trailer).
    if (held?.key === file) held = null;
    const stream = !wholeOnly.has(file) && !wholeOnlyStore.has(file);
    const keep = (data: Buffer | GrowingImage): void => {
      held = { key: file, data };
      if (data instanceof GrowingImage) data.done.catch(() => streamEnded(data, key, file));
    };
    pending = inflateCheck(path, fileSize, mtimeMs, stream ? isize : null, budget, keep).finally(() => inflight.delete(key));
    inflight.set(key, pending);
  }
  const result = await pending;
  if (cache.size > 16) cache.clear();
  cache.set(key, result);
  return result;
}

/**
 * A small .gz whose streamed inflation failed after its check answered with the trailer's size (which is cached by
 * then: a stream fails on a later event than the answer): what the next check says of it. Corrupt or truncated:
 * refused with the cause from now on. Inflated past its trailer's size (several members): checked whole from now on,
 * in later processes too. Stopped on purpose: checked afresh.
 */
function streamEnded(growing: GrowingImage, key: string, file: string): void {
  // Kept when it inflated past its trailer: a session about to take it learns so (and starts again, checked whole).
  if (held?.data === growing && !growing.oversize) held = null;
  if (growing.abandoned) {
    cache.delete(key);
  } else if (growing.oversize) {
    wholeOnly.add(file);
    try {
      wholeOnlyStore.add(file);
    } catch {
      // this process remembers it still
    }
    cache.delete(key);
  } else if (growing.cause) {
    cache.set(key, { kind: 'broken', failure: growing.cause });
  }
}

/** Where the files found to inflate past their trailer's size are remembered beyond this process (none by default). */
let wholeOnlyStore: { has(file: string): boolean; add(file: string): void } = { has: () => false, add: () => undefined };

/** Sets where the files that must be checked whole (never streamed) are remembered: the backend's cache folder. */
export function rememberWholeOnlyIn(store: typeof wholeOnlyStore): void {
  wholeOnlyStore = store;
}

function heldKey(path: string, fileSize: number, mtimeMs: number): string {
  return `${path}\0${fileSize}\0${mtimeMs}`;
}

/**
 * The inflated bytes of a .gz that a check read whole, if they are still held and the file has not changed since:
 * found intact (trailer CRC-32 and size), or still inflating (a GrowingImage: cards write them as they arrive).
 * Decompression then writes them instead of inflating again. Taken once.
 */
export function takeInflated(path: string, fileSize: number, mtimeMs: number): Buffer | GrowingImage | null {
  if (held === null || held.key !== heldKey(path, fileSize, mtimeMs)) return null;
  const { data } = held;
  held = null;
  return data;
}

/**
 * Settles once the inflation of a small .gz under way (see takeInflated) has ended and its trailer checked, at once
 * when none is; rejects with what failed (the same words image.inspect refuses it with from then on).
 */
export async function gzipChecked(path: string, fileSize: number, mtimeMs: number): Promise<void> {
  const data = held?.key === heldKey(path, fileSize, mtimeMs) ? held.data : null;
  if (!(data instanceof GrowingImage)) return;
  await data.done.catch(() => {
    throw new ApiError('source-error', data.cause!.message, data.cause!.hint);
  });
}

/** Where an earlier session already left a .gz inflated and checked (the backend's decompression cache). */
let inflatedBefore: (path: string, fileSize: number, mtimeMs: number) => number | null = () => null;

/** Sets where a .gz inflated and checked before is looked up: its size is then known without inflating it again. */
export function lookUpInflated(lookUp: typeof inflatedBefore): void {
  inflatedBefore = lookUp;
}

/** Work to run on the main thread once a small .gz has started inflating (the backend loads the card writer). */
const whileInflating: (() => void)[] = [];

/** Runs `task` once, the next time a small .gz starts inflating (the thread pool inflates its first MiB meanwhile). */
export function runWhileInflating(task: () => void): void {
  whileInflating.push(task);
}

function runTasks(): void {
  for (const task of whileInflating.splice(0)) {
    try {
      task();
    } catch {
      // Not this check's concern: the card writer loads (and says why it cannot) when a card is written.
    }
  }
}

/**
 * Whether a whole .gz's trailer can be its size: within what is kept in memory, and within what deflate can do with
 * the file (it never shrinks data below ~1/1032, and stored blocks grow it by 5 bytes per 64 KiB; the header holds a name).
 */
function plausibleSize(fileSize: number, isize: number | null): isize is number {
  return isize !== null && isize > 0 && isize <= KEEP_INFLATED_LIMIT && isize <= fileSize * 1100 && isize >= fileSize * 0.999 - 1024;
}

async function inflateCheck(path: string, fileSize: number, mtimeMs: number, isize: number | null, budget: number, keep: (data: Buffer | GrowingImage) => void): Promise<GzipSize> {
  if (fileSize <= budget && plausibleSize(fileSize, isize)) {
    const before = inflatedBefore(path, fileSize, mtimeMs);
    if (before !== null) {
      runTasks();
      return { kind: 'exact', size: before };
    }
    // A small .gz inflates in the background, into the buffer the cards write from as its bytes arrive: the size is
    // its trailer's, checked when the stream ends (a failure then fails each card, before its partition table).
    keep(inflateGrowing(path, fileSize, isize));
    runTasks();
    return { kind: 'exact', size: isize };
  }
  return inflateStreamed(path, fileSize, isize, budget, keep);
}

function inflateStreamed(path: string, fileSize: number, isize: number | null, budget: number, keep: (data: Buffer) => void): Promise<GzipSize> {
  return new Promise((resolve) => {
    const whole = fileSize <= budget;
    const input = createReadStream(path, whole ? { highWaterMark: 1 << 20 } : { end: budget - 1, highWaterMark: 1 << 20 });
    // 1 MiB chunks: zlib's 16 KiB default costs an event per 16 KiB (a 25 MiB image: 1600 of them).
    const gunzip = createGunzip({ chunkSize: 1 << 20 });
    // The bytes kept are copied as they come into one buffer of the trailer's size (no concatenation at the end).
    let kept: Buffer | null = whole && isize !== null && isize > 0 && isize <= KEEP_INFLATED_LIMIT ? Buffer.allocUnsafe(isize) : null;
    let out = 0;
    let settled = false;
    const done = (r: GzipSize): void => {
      if (settled) return;
      settled = true;
      input.unpipe(gunzip);
      input.destroy();
      gunzip.destroy();
      resolve(r);
    };
    // the check stopped before the stream's end: ISIZE is kept when it can be the size
    const partial = (): void => done(isize !== null && isize >= out ? { kind: 'estimate', size: isize } : { kind: 'unknown', atLeast: out });
    gunzip.on('data', (b: Buffer) => {
      if (kept !== null && out + b.length <= kept.length) b.copy(kept, out);
      else kept = null;
      out += b.length;
      if (out > OUTPUT_LIMIT) partial();
    });
    gunzip.on('end', () => {
      // 'end' comes only after zlib checked the trailer: the bytes kept are the image's.
      if (kept !== null && out === kept.length) keep(kept);
      kept = null;
      done({ kind: 'exact', size: out });
    });
    gunzip.on('error', (e: NodeJS.ErrnoException) => {
      if (!whole && e.code === 'Z_BUF_ERROR') {
        partial(); // the budget ran out mid-stream, as expected for a large file
        return;
      }
      // the same words as the decompression that writes the card (source-failure.ts)
      // A whole file that ends early, or fails its trailer, was read to its end (a single-member .gz: the trailer is last).
      const atEnd = whole && (e.code === 'Z_BUF_ERROR' || /incorrect (data|length) check/i.test(e.message));
      const compressedRead = atEnd ? fileSize : gunzip.bytesWritten;
      done({ kind: 'broken', failure: explainDecodeFailure(basename(path), { kind: 'gz', message: e.message, code: e.code, compressedRead, fileSize, outBytes: out }) });
    });
    input.on('error', (e) => done({ kind: 'broken', failure: { message: `${basename(path)} cannot be read (${e.message})`, hint: 'check the path and its permissions' } }));
    input.pipe(gunzip);
  });
}
