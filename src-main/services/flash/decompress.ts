import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, createReadStream, createWriteStream, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { open, readdir, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { NEW_FILE } from '../access/state-files.js';
import { basename, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createInflateRaw } from 'node:zlib';
import unbzip2 from 'unbzip2-stream';
import { ApiError } from '../../api/errors.js';
import { explainDecodeFailure, explainOverflow, explainZipMember, type OutputBound } from '../../core/flash/source-failure.js';
import { formatBytes } from '../../core/util/format.js';
import { lzmaNative } from '../natives.js';
import { takeInflated } from './gzip-size.js';
import { pidAlive } from '../journal/process-identity.js';
import { GrowingImage, InflatedPastTrailer } from './growing-image.js';
import { entryRequired, type ImageInfo } from './image-inspect.js';
import { type OpenedZipMember, openZipMember, zipMemberCheck, ZipMemberError } from './zip-member.js';

/** A raw image ready to be written by any number of cards. */
export interface RawImage {
  path: string;
  size: number;
  /**
   * The image's bytes when they are in memory (a .gz the image check inflated whole): a sparse write reads its ranges
   * from here, while the cache file is still being written. Dropped when the session ends.
   */
  data?: Buffer | undefined;
  /**
   * Set while the image is still inflating into `data` (a small .gz): cards write its bytes as they arrive, the
   * partition tables once the whole stream has been checked.
   */
  growing?: GrowingImage | undefined;
  /** Settles once the cache file at `path` is complete (at once, unless `data` is set); rejects when it cannot be. */
  written: Promise<void>;
}

/** Reports decompression progress in compressed bytes read. */
export type DecompressProgress = (compressedBytes: number, compressedTotal: number, outBytes: number) => void;

/** How to decompress: progress, cancellation, and the largest card the output is for. */
export interface DecompressOptions {
  onProgress: DecompressProgress;
  /** Aborting stops decompression at once; the partial file is deleted and the promise rejects with an AbortError. */
  signal?: AbortSignal;
  /** The largest selected card: an output larger than it can never be written, so decoding stops there. */
  largestCard?: { device: string; bytes: number } | null;
}

/** Read and inflate in 1 MiB chunks: zlib's 16 KiB default costs a stream hop (and a check) per 16 KiB. */
const CHUNK = 1 << 20;

/** Free space decompression always leaves in the cache's filesystem. */
const CACHE_RESERVE_BYTES = 64 << 20;

/** The decoder stream for a compressed kind (a zip member's: by its method). */
function decoderFor(kind: ImageInfo['kind'], member: OpenedZipMember | null): Transform {
  switch (kind) {
    case 'gz':
      return createGunzip({ chunkSize: CHUNK });
    case 'xz':
      return lzmaNative().createDecompressor();
    case 'bz2':
      return unbzip2();
    case 'zip':
      return member?.method === 8 ? createInflateRaw({ chunkSize: CHUNK }) : passThrough();
    case 'tar':
    case 'folder':
      throw new ApiError('internal', `a ${kind} source is built into a card, never decompressed`);
    case 'raw':
      return passThrough();
  }
}

function passThrough(): Transform {
  return new Transform({ transform: (chunk, _e, cb) => cb(null, chunk) });
}

/** Raised when the output passes its bound (the largest card, or the cache's free space). */
class OverflowError extends Error {
  constructor(readonly bound: OutputBound) {
    super(`output exceeds ${bound.bytes} bytes`);
    this.name = 'OverflowError';
  }
}

/** A cache key that changes whenever the source file changes. */
function cacheKey(info: Pick<ImageInfo, 'path' | 'entry'>, st: { size: number; mtimeMs: number }): string {
  return createHash('sha256')
    .update(`${info.path}\0${st.size}\0${st.mtimeMs}\0${info.entry ?? ''}`)
    .digest('hex')
    .slice(0, 24);
}

/**
 * The size of the raw image a finished cache file in `cacheDir` holds for this source file (same path, size and
 * modification time), or null: a .gz inflated and checked whole before needs no check again.
 */
export function cachedRawSize(path: string, fileSize: number, mtimeMs: number, cacheDir: string): number | null {
  const key = cacheKey({ path, entry: null }, { size: fileSize, mtimeMs });
  const out = join(cacheDir, `decompressed-${key}.img`);
  try {
    const size = Number(readFileSync(`${out}.done`, 'utf8').trim());
    return Number.isSafeInteger(size) && size > 0 && statSync(out).size === size ? size : null;
  } catch {
    return null;
  }
}

/**
 * The files (path, size and modification time, as one key) found to inflate past their gzip trailer's size, kept as
 * empty marker files in `cacheDir`: such a .gz is checked whole before any card, never streamed, in every later process.
 */
export function wholeOnlyMarks(cacheDir: string): { has(file: string): boolean; add(file: string): void } {
  const mark = (file: string): string => join(cacheDir, `whole-only-${createHash('sha256').update(file).digest('hex').slice(0, 24)}`);
  return {
    has: (file) => existsSync(mark(file)),
    add: (file) => {
      try {
        closeSync(openSync(mark(file), NEW_FILE, 0o644));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    },
  };
}

/** The tighter of the two bounds on the output: the largest selected card and the cache's free space. */
function outputBound(largestCard: DecompressOptions['largestCard'], cacheDir: string, free: number): OutputBound {
  const cache: OutputBound = { type: 'cache', dir: cacheDir, bytes: Math.max(0, free - CACHE_RESERVE_BYTES) };
  if (!largestCard || largestCard.bytes >= cache.bytes) return cache;
  return { type: 'card', device: largestCard.device, bytes: largestCard.bytes };
}

/** Turns whatever stopped the pipeline into the sentence the technician reads. */
function explainFailure(
  info: ImageInfo,
  member: OpenedZipMember | null,
  error: Error,
  at: { compressedRead: number; outBytes: number },
  tmp: string,
): ApiError {
  if (error instanceof ZipMemberError) return error.apiError;
  if (error instanceof OverflowError) {
    const total = member ? member.record.compressedSize : info.fileSize;
    const f = explainOverflow(member ? `${info.name} [${member.record.name}]` : info.name, error.bound, at.compressedRead, total);
    return new ApiError('source-error', f.message, f.hint);
  }
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'ENOSPC') {
    return new ApiError('source-error', `the disk filled up while decompressing ${info.name} into the cache`, 'free space');
  }
  if (e.syscall !== undefined && (e.path === tmp || e.syscall === 'write')) {
    return new ApiError('source-error', `writing the decompressed ${info.name} into the cache failed (${e.code ?? e.message})`, 'check the disk of WALT_BENCH_HOME');
  }
  if (e.syscall !== undefined) {
    return new ApiError('source-error', `${info.name} cannot be read (${e.code ?? e.message})`, 'check the file and its permissions');
  }
  if (member) {
    const f = explainZipMember(info.name, member.record, { type: 'inflate', detail: e.message, compressedRead: at.compressedRead });
    return new ApiError('source-error', f.message, f.hint);
  }
  if (info.kind !== 'gz' && info.kind !== 'xz' && info.kind !== 'bz2') return new ApiError('internal', e.message);
  const f = explainDecodeFailure(info.name, {
    kind: info.kind,
    message: e.message || String(error),
    code: typeof e.code === 'string' ? e.code : e.name,
    compressedRead: at.compressedRead,
    fileSize: info.fileSize,
    outBytes: at.outBytes,
  });
  return new ApiError('source-error', f.message, f.hint);
}

/**
 * Decompresses an image once into the cache (space checked first) and returns the raw file every card is then
 * written from. Every check the format carries is made before the file is kept (gzip's trailer CRC-32 and size,
 * xz's and bzip2's checks, a zip member's CRC-32 and sizes), and decoding stops as soon as the output exceeds the
 * largest card or the cache's free space. A finished cache file is reused; a failed or cancelled one is removed.
 */
export async function prepareRawImage(info: ImageInfo, cacheDir: string, options: DecompressOptions): Promise<RawImage> {
  if (info.kind === 'raw') return { path: info.path, size: info.fileSize, written: Promise.resolve() };
  if (info.kind === 'zip' && info.entry === null) throw entryRequired(info);
  const st = await stat(info.path);
  const key = cacheKey(info, st);
  const out = join(cacheDir, `decompressed-${key}.img`);
  const doneMarker = `${out}.done`;
  if (existsSync(out) && existsSync(doneMarker)) return { path: out, size: (await stat(out)).size, written: Promise.resolve() };
  // A .gz the image check inflated whole (and found intact) is not inflated again: its bytes go to the cache as they are.
  const inflated = info.kind === 'gz' ? takeInflated(info.path, st.size, st.mtimeMs) : null;
  const fsInfo = await statfs(cacheDir);
  const free = fsInfo.bavail * fsInfo.bsize;
  // A known size is checked now; an estimate (gzip's ISIZE, garbage in a cut download) only bounds the stream below.
  if (!info.sizeIsEstimate && info.size !== null && info.size > free) {
    throw new ApiError(
      'source-error',
      `not enough space to decompress ${info.name}: ${formatBytes(info.size)} needed in ${cacheDir}, ${formatBytes(free)} free`,
      'free space there, or set WALT_BENCH_HOME to a larger disk',
    );
  }
  const bound = outputBound(options.largestCard, cacheDir, free);
  if (inflated instanceof GrowingImage && inflated.oversize) {
    // Its size was taken from the trailer, wrongly (several members): the session starts again with it checked whole.
    throw new InflatedPastTrailer('source-error', inflated.cause!.message, inflated.cause!.hint);
  }
  if (inflated instanceof GrowingImage && inflated.cause === null && inflated.size <= bound.bytes) {
    const growing = inflated;
    // A session cancelled (or the app closing) stops the inflation: nothing waits on a stalled source after that.
    if (options.signal?.aborted) growing.abandon();
    else options.signal?.addEventListener('abort', () => growing.abandon(), { once: true });
    const progress = (): void => {
      options.onProgress(Math.round((info.fileSize * growing.available) / growing.size), info.fileSize, growing.available);
      if (!growing.finished && !growing.failure) void growing.changed().then(progress);
    };
    progress();
    // The cache file (for the cards of a later session) is written once the stream has been checked, off the cards' path.
    const written = growing.done.then(() => writeCacheFile(info, cacheDir, out, doneMarker, growing.data));
    written.catch(() => undefined);
    return { path: out, size: growing.size, data: growing.data, growing, written };
  }
  if (Buffer.isBuffer(inflated) && inflated.length > 0 && inflated.length <= bound.bytes) {
    options.onProgress(info.fileSize, info.fileSize, inflated.length);
    // The cache file (for the cards of a later session) is written beside the cards, off their path.
    const written = writeCacheFile(info, cacheDir, out, doneMarker, inflated);
    written.catch(() => undefined);
    return { path: out, size: inflated.length, data: inflated, written };
  }
  const at = { compressedRead: 0, outBytes: 0 };
  const member = info.kind === 'zip' ? await openZipMember(info.path, info.fileSize, info.entry!) : null;
  const input: Readable = member ? member.stored : createReadStream(info.path);
  const counter = new Transform({
    transform(chunk: Buffer, _e, cb) {
      at.compressedRead += chunk.length;
      cb(null, chunk);
    },
  });
  const meter = new Transform({
    transform(chunk: Buffer, _e, cb) {
      at.outBytes += chunk.length;
      if (at.outBytes > bound.bytes) return cb(new OverflowError(bound));
      if (member) options.onProgress(at.outBytes, member.record.uncompressedSize, at.outBytes);
      else options.onProgress(at.compressedRead, info.fileSize, at.outBytes);
      cb(null, chunk);
    },
  });
  const stages: Transform[] = [counter, decoderFor(info.kind, member)];
  if (member) stages.push(zipMemberCheck(info.name, member.record));
  // Each run decodes into its own .part (two sessions on one image never share one); the finished file is renamed
  // into place, so the last of them wins with the same bytes.
  await removeDeadParts(cacheDir, basename(out));
  const tmp = `${out}.${process.pid}.${(partSerial += 1)}.part`;
  // O_EXCL|O_NOFOLLOW: a symlink planted in cache/ never redirects this (root's, in the helper) write.
  const sink = createWriteStream(tmp, { fd: openSync(tmp, NEW_FILE, 0o644) });
  try {
    await pipeline([input, ...stages, meter, sink], options.signal ? { signal: options.signal } : {});
  } catch (error) {
    input.destroy();
    // An abort can come before the file is even opened: wait until it is closed, so no .part appears after rm.
    if (!sink.closed) await once(sink, 'close').catch(() => undefined);
    await rm(tmp, { force: true });
    if ((error as Error).name === 'AbortError' || options.signal?.aborted) throw error;
    throw explainFailure(info, member, error as Error, at, tmp);
  }
  if (at.outBytes === 0) {
    await rm(tmp, { force: true });
    throw new ApiError('source-error', `${info.name} decompresses to nothing (0 bytes)`, 'download it again');
  }
  return { ...(await keepInCache(tmp, out, doneMarker, at.outBytes)), written: Promise.resolve() };
}

/** Writes bytes already inflated (and checked) to the cache, as a `.part` renamed into place. */
async function writeCacheFile(info: ImageInfo, cacheDir: string, out: string, doneMarker: string, data: Buffer): Promise<void> {
  await removeDeadParts(cacheDir, basename(out));
  const tmp = `${out}.${process.pid}.${(partSerial += 1)}.part`;
  try {
    // O_EXCL|O_NOFOLLOW, as for a streamed one.
    const fd = await open(tmp, NEW_FILE, 0o644);
    try {
      await fd.writeFile(data);
    } finally {
      await fd.close();
    }
  } catch (error) {
    await rm(tmp, { force: true });
    throw explainFailure(info, null, error as Error, { compressedRead: info.fileSize, outBytes: 0 }, tmp);
  }
  await keepInCache(tmp, out, doneMarker, data.length);
}

/** Renames a finished `.part` into place and marks it done: the raw image every card is written from. */
async function keepInCache(tmp: string, out: string, doneMarker: string, size: number): Promise<{ path: string; size: number }> {
  await rename(tmp, out);
  await rm(doneMarker, { force: true });
  await writeFile(doneMarker, `${size}\n`, { flag: NEW_FILE }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error; // another run finished the same image at the same moment
  });
  return { path: out, size };
}

let partSerial = 0;

/** Removes the `.part` files of `name` left by runs whose process is gone (a crash, kill -9); live ones stay. */
async function removeDeadParts(cacheDir: string, name: string): Promise<void> {
  const parts = (await readdir(cacheDir)).filter((f) => f.startsWith(`${name}.`) && f.endsWith('.part'));
  for (const f of parts) {
    const pid = Number(/\.(\d+)\.\d+\.part$/.exec(f)?.[1] ?? NaN);
    const live = pid === process.pid || (Number.isInteger(pid) && pidAlive(pid));
    if (!live) await rm(join(cacheDir, f), { force: true });
  }
}

