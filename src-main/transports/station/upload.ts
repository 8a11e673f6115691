import { randomBytes } from 'node:crypto';
import { constants, createWriteStream } from 'node:fs';
import { copyFile, link, rm, statfs } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { basename, extname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiError } from '../../api/errors.js';

/** Space an upload always leaves free on the uploads' file system (journal, logs, settings still need some). */
export const UPLOAD_RESERVE_BYTES = 64 * 1024 * 1024;

/** Options of one upload. */
export interface UploadOptions {
  /** Directory the file is stored in. */
  dir: string;
  /** Largest upload accepted, whatever the free space (the station's --max-upload); none when undefined. */
  maxBytes?: number;
}

/** A refused or failed upload, with the HTTP status to answer. */
export class UploadError extends ApiError {
  constructor(
    readonly status: number,
    code: 'bad-request' | 'refused' | 'io-error',
    message: string,
    hint?: string,
  ) {
    super(code, message, hint);
  }
}

/** The safe file name of an upload (`?name=`): its base name, odd characters replaced; null when unusable. */
export function uploadName(raw: string | null): string | null {
  const name = basename(raw ?? '').replace(/[^\w.+-]/g, '_');
  return !name || name.startsWith('.') ? null : name;
}

/** The largest upload the station takes now: the free space less a reserve, capped by maxBytes. */
export async function uploadLimit(options: UploadOptions): Promise<number> {
  const fs = await statfs(options.dir);
  const free = Math.max(0, fs.bavail * fs.bsize - UPLOAD_RESERVE_BYTES);
  return options.maxBytes === undefined ? free : Math.min(free, options.maxBytes);
}

function tooLarge(name: string, limit: number): UploadError {
  const mib = (limit / (1024 * 1024)).toFixed(1);
  return new UploadError(
    413,
    'refused',
    `upload of ${name} refused: it is larger than the ${mib} MiB the station can take`,
    'free space on the station (or raise its --max-upload), or flash from a path on the station instead',
  );
}

/** Stops the stream as soon as more than `limit` bytes went through (a body without or with a lying length). */
function limiter(name: string, limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > limit) done(tooLarge(name, limit));
      else done(null, chunk);
    },
  });
}

/** `name` if free in dir, else `stem-2.ext`, `stem-3.ext`...: links `tmp` there without ever replacing a file. */
async function linkUnderFreeName(tmp: string, dir: string, name: string): Promise<string> {
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 1; n < 10_000; n += 1) {
    const candidate = join(dir, n === 1 ? name : `${stem}-${n}${ext}`);
    try {
      await link(tmp, candidate).catch(async (error: NodeJS.ErrnoException) => {
        // A file system without hard links: an exclusive copy never replaces a file either.
        if (error.code === 'EPERM' || error.code === 'ENOTSUP' || error.code === 'ENOSYS') {
          await copyFile(tmp, candidate, constants.COPYFILE_EXCL);
        } else {
          throw error;
        }
      });
      return candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new UploadError(409, 'refused', `upload of ${name} refused: 10000 files of that name already exist in ${dir}`);
}

/**
 * Stores an upload's body in dir under its name, or under `stem-N.ext` when a file of that name exists (an existing
 * file is never replaced). Refused with 413 before reading when Content-Length exceeds the limit, and cut off when
 * the body grows past it. The bytes land in a hidden temporary file first, so a half upload never bears the name.
 */
export async function storeUpload(req: IncomingMessage, rawName: string | null, options: UploadOptions): Promise<string> {
  const name = uploadName(rawName);
  if (!name) throw new UploadError(400, 'bad-request', 'upload needs ?name=<file name> (not starting with a dot)');
  const limit = await uploadLimit(options);
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) throw tooLarge(name, limit);
  const tmp = join(options.dir, `.upload-${randomBytes(8).toString('hex')}`);
  // req is piped, not part of the pipeline: a refusal must not destroy the socket before the 413 is answered.
  const cut = limiter(name, limit);
  try {
    req.once('error', (e) => cut.destroy(e));
    req.once('close', () => {
      if (!req.complete) cut.destroy(new Error('the browser stopped sending before the end'));
    });
    req.pipe(cut);
    await pipeline(cut, createWriteStream(tmp, { flags: 'wx', mode: 0o644 }));
    return await linkUnderFreeName(tmp, options.dir, name);
  } catch (error) {
    if (error instanceof UploadError) throw error;
    throw new UploadError(500, 'io-error', `upload of ${name} to ${options.dir} failed: ${(error as Error).message}`);
  } finally {
    req.unpipe(cut);
    await rm(tmp, { force: true });
  }
}
