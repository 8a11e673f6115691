import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, openSync } from 'node:fs';
import { rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { NEW_FILE } from '../access/state-files.js';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import yauzl from 'yauzl';
import * as lzma from 'lzma-native';
import unbzip2 from 'unbzip2-stream';
import { ApiError } from '../../api/errors.js';
import { formatBytes } from '../../core/util/format.js';
import { entryRequired, type ImageInfo } from './image-inspect.js';

/** A raw image ready to be written by any number of cards. */
export interface RawImage {
  path: string;
  size: number;
}

/** Reports decompression progress in compressed bytes read. */
export type DecompressProgress = (compressedBytes: number, compressedTotal: number, outBytes: number) => void;

function openEntry(path: string, entry: string): Promise<Readable> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('cannot open zip'));
      zip.on('entry', (e: yauzl.Entry) => {
        if (e.fileName !== entry) return zip.readEntry();
        zip.openReadStream(e, (err2, stream) => (err2 || !stream ? reject(err2) : resolve(stream)));
      });
      zip.on('end', () => reject(new Error(`entry ${entry} not found`)));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** The decoder stream for a compressed kind. */
function decoderFor(kind: ImageInfo['kind']): Transform {
  switch (kind) {
    case 'gz':
      return createGunzip();
    case 'xz':
      return lzma.createDecompressor();
    case 'bz2':
      return unbzip2();
    case 'tar':
    case 'folder':
      throw new ApiError('internal', `a ${kind} source is built into a card, never decompressed`);
    case 'raw':
    case 'zip':
      return new Transform({ transform: (chunk, _e, cb) => cb(null, chunk) });
  }
}

/** A cache key that changes whenever the source file changes. */
async function cacheKey(info: ImageInfo): Promise<string> {
  const st = await stat(info.path);
  return createHash('sha256')
    .update(`${info.path}\0${st.size}\0${st.mtimeMs}\0${info.entry ?? ''}`)
    .digest('hex')
    .slice(0, 24);
}

/** Explains a decoder failure: which file, how far it got, why, and what to do. */
function decodeError(info: ImageInfo, compressedOffset: number, error: Error): ApiError {
  const msg = error.message || String(error);
  const truncated = /unexpected end|truncated|LZMA_BUF_ERROR|premature|end of/i.test(msg);
  const cause = truncated ? 'is truncated' : 'is corrupt';
  return new ApiError(
    'source-error',
    `${info.name} ${cause}: decoding failed at compressed offset ${compressedOffset} of ${info.fileSize} (${msg})`,
    'download the file again (and check its sha256); nothing was written to any card',
  );
}

/**
 * Decompresses an image once into the cache (space checked first) and returns the raw file every card is then
 * written from. A finished cache file is reused; a failed one is removed.
 */
export async function prepareRawImage(
  info: ImageInfo,
  cacheDir: string,
  onProgress: DecompressProgress,
  signal?: AbortSignal,
): Promise<RawImage> {
  if (info.kind === 'raw') return { path: info.path, size: info.fileSize };
  if (info.kind === 'zip' && info.entry === null) throw entryRequired(info);
  const key = await cacheKey(info);
  const out = join(cacheDir, `decompressed-${key}.img`);
  const doneMarker = `${out}.done`;
  if (existsSync(out) && existsSync(doneMarker)) return { path: out, size: (await stat(out)).size };
  const fsInfo = await statfs(cacheDir);
  const free = fsInfo.bavail * fsInfo.bsize;
  const need = info.size ?? info.fileSize * 2;
  if (need > free) {
    throw new ApiError(
      'source-error',
      `not enough space to decompress ${info.name}: ${formatBytes(need)} needed in ${cacheDir}, ${formatBytes(free)} free`,
      'free space there, or set WALT_BENCH_HOME to a larger disk',
    );
  }
  let compressedRead = 0;
  let outBytes = 0;
  const input: Readable = info.kind === 'zip' ? await openEntry(info.path, info.entry!) : createReadStream(info.path);
  const counter = new Transform({
    transform(chunk: Buffer, _e, cb) {
      compressedRead += chunk.length;
      cb(null, chunk);
    },
  });
  const meter = new Transform({
    transform(chunk: Buffer, _e, cb) {
      outBytes += chunk.length;
      onProgress(info.kind === 'zip' ? outBytes : compressedRead, info.kind === 'zip' ? (info.size ?? 0) : info.fileSize, outBytes);
      cb(null, chunk);
    },
  });
  const tmp = `${out}.part`;
  try {
    await rm(tmp, { force: true });
    // O_EXCL|O_NOFOLLOW: a symlink planted in cache/ never redirects this (root's, in the helper) write.
    await pipeline(input, counter, decoderFor(info.kind), meter, createWriteStream(tmp, { fd: openSync(tmp, NEW_FILE, 0o644) }), { signal });
  } catch (error) {
    await rm(tmp, { force: true });
    if ((error as Error).name === 'AbortError') throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOSPC') {
      throw new ApiError('source-error', `the disk filled up while decompressing ${info.name} into ${cacheDir}`, 'free space');
    }
    throw decodeError(info, compressedRead, error as Error);
  }
  if (outBytes === 0) {
    await rm(tmp, { force: true });
    throw new ApiError('source-error', `${info.name} decompresses to nothing (0 bytes)`, 'download it again');
  }
  await rename(tmp, out);
  await rm(doneMarker, { force: true });
  await writeFile(doneMarker, `${outBytes}\n`, { flag: NEW_FILE });
  return { path: out, size: outBytes };
}
