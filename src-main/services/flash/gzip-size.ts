import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

/** What the gzip file says of its uncompressed size. */
export type GzipSize =
  /** The whole stream was inflated within the budget: the exact size. */
  | { kind: 'exact'; size: number }
  /** Too big to inflate at once: ISIZE (the size modulo 2^32), checked against what the first part inflated to. */
  | { kind: 'estimate'; size: number }
  /** ISIZE cannot be the size (smaller than what the first part inflated to): at least `atLeast` bytes. */
  | { kind: 'unknown'; atLeast: number }
  /** The stream ends early or is corrupt: where (compressed offset) and why, in words that name the offset. */
  | { kind: 'broken'; offset: number; cause: string };

/** Compressed bytes inflated to check a .gz before writing it (larger files are checked on their first part). */
export const GZIP_CHECK_BUDGET = 32 * 1024 * 1024;
/** Inflated bytes after which the check stops even within the budget (a card image of zeros compresses 1000:1). */
const OUTPUT_LIMIT = 1024 * 1024 * 1024;

const cache = new Map<string, GzipSize>();

/**
 * The uncompressed size of a .gz: a file up to `budget` bytes is inflated whole (exact size, and a truncated or
 * corrupt stream is found before anything is written); a larger one gives its trailer's ISIZE, kept only when it
 * is at least what the first `budget` bytes inflated to (a truncated file's last 4 bytes are compressed data, not a
 * size). Results are cached per path, size and modification time (drives.list asks again on every card change).
 */
export async function gzipSize(path: string, fileSize: number, mtimeMs: number, isize: number | null, budget = GZIP_CHECK_BUDGET): Promise<GzipSize> {
  const key = `${path}\0${fileSize}\0${mtimeMs}\0${budget}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const result = await inflateCheck(path, fileSize, isize, budget);
  if (cache.size > 16) cache.clear();
  cache.set(key, result);
  return result;
}

function inflateCheck(path: string, fileSize: number, isize: number | null, budget: number): Promise<GzipSize> {
  return new Promise((resolve) => {
    const whole = fileSize <= budget;
    const input = createReadStream(path, whole ? {} : { end: budget - 1 });
    const gunzip = createGunzip();
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
      out += b.length;
      if (out > OUTPUT_LIMIT) partial();
    });
    gunzip.on('end', () => done({ kind: 'exact', size: out }));
    gunzip.on('error', (e: NodeJS.ErrnoException) => {
      const consumed = gunzip.bytesWritten;
      if (whole) {
        const cause =
          e.code === 'Z_BUF_ERROR'
            ? `the file ends at byte ${fileSize}, before the end of its gzip stream: it is truncated (an interrupted download or copy)`
            : `corrupt gzip data at compressed byte ${consumed} of ${fileSize} (${e.message})`;
        done({ kind: 'broken', offset: consumed, cause });
        return;
      }
      if (e.code === 'Z_BUF_ERROR') {
        partial(); // the budget ran out mid-stream, as expected for a large file
        return;
      }
      done({ kind: 'broken', offset: consumed, cause: `corrupt gzip data at compressed byte ${consumed} of ${fileSize} (${e.message})` });
    });
    input.on('error', (e) => done({ kind: 'broken', offset: 0, cause: `cannot be read (${e.message})` }));
    input.pipe(gunzip);
  });
}
