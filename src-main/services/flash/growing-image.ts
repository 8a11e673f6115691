import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createGunzip } from 'node:zlib';
import { ApiError } from '../../api/errors.js';
import { explainDecodeFailure, type SourceFailure } from '../../core/flash/source-failure.js';

/**
 * A raw image still arriving from its decompressor, into one buffer of its final size: cards write the bytes that
 * have arrived (`available`) while the rest inflates. `done` settles once the stream ended and every check of the
 * format passed (gzip's trailer CRC-32 and size), or rejects with the cause (file, offset, what failed).
 */
export class GrowingImage {
  available = 0;
  /** What failed, said for a refusal before any card (its hint: nothing was written). */
  cause: SourceFailure | null = null;
  /** The same, said for a card already being written from the stream. */
  failure: ApiError | null = null;
  /** The stream inflated past the trailer's size: a .gz of several members (valid) or a corrupt one; checked whole next time. */
  oversize = false;
  finished = false;
  /** Stopped on purpose (its flash session cancelled, the app closing): nothing is known to be wrong with the file. */
  abandoned = false;
  readonly done: Promise<void>;
  private waiters: (() => void)[] = [];
  private stopStreams: () => void = () => undefined;
  private settle!: { resolve: () => void; reject: (e: ApiError) => void };

  constructor(
    readonly data: Buffer,
    readonly size: number,
    /** The source file's name, for the messages. */
    readonly name = 'the image',
  ) {
    this.done = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    this.done.catch(() => undefined);
  }

  /** More bytes arrived (the first `available` bytes of `data` are the image's). */
  grow(available: number): void {
    this.available = available;
    this.wake();
  }

  finish(): void {
    this.finished = true;
    this.settle.resolve();
    this.wake();
  }

  fail(cause: SourceFailure): void {
    if (this.finished || this.failure) return;
    this.cause = cause;
    this.failure = streamedFailure(cause);
    this.settle.reject(this.failure);
    this.wake();
  }

  /** How the inflation feeding this image is stopped (its streams destroyed). */
  onStop(stop: () => void): void {
    this.stopStreams = stop;
  }

  /** Stops the inflation (a cancelled session, the app closing): waiters wake, cards still writing from it fail. */
  abandon(): void {
    if (this.finished || this.failure) return;
    this.abandoned = true;
    this.stopStreams();
    this.fail({ message: `${this.name} stopped inflating: its flash session was cancelled`, hint: 'start the flash again; nothing was written to any card' });
  }

  /** Settles at the next change: more bytes, the end, or a failure. */
  changed(): Promise<void> {
    if (this.finished || this.failure) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/** A .gz found inflating past its trailer's size before its session's cards started: the session starts again. */
export class InflatedPastTrailer extends ApiError {}

/** How long a source may deliver nothing before its image fails. */
const STALL_MS = 30_000;

/** A failure found while cards were already being written from the stream: what the technician reads on each card. */
function streamedFailure(f: SourceFailure): ApiError {
  const left = 'the cards written from it were left without a partition table (nothing on them boots)';
  const hint = /nothing was written to any card$/.test(f.hint) ? f.hint.replace(/nothing was written to any card$/, left) : `${f.hint}; ${left}`;
  return new ApiError('source-error', f.message, hint);
}

/**
 * Inflates a whole .gz of `isize` bytes (its trailer's size) into a GrowingImage, in 1 MiB chunks. An output that
 * passes `isize`, a stream that ends early or fails its trailer, or a read error fails the image.
 */
export function inflateGrowing(path: string, fileSize: number, isize: number, stallMs = STALL_MS): GrowingImage {
  const name = basename(path);
  const image = new GrowingImage(Buffer.allocUnsafe(isize), isize, name);
  const input = createReadStream(path, { highWaterMark: 1 << 20 });
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  let out = 0;
  const destroy = (): void => {
    input.unpipe(gunzip);
    input.destroy();
    gunzip.destroy();
  };
  // A source that stops delivering (a network share gone quiet) fails the image rather than holding every card.
  let watchdog: NodeJS.Timeout | null = null;
  const quiet = (): void => {
    if (watchdog) clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      stop({
        message: `${name} stopped delivering data: nothing arrived for ${stallMs / 1000} s at compressed offset ${gunzip.bytesWritten} of ${fileSize}`,
        hint: 'check where the file lives (a network share, a removable disk) and flash it again; nothing was written to any card',
      });
    }, stallMs);
    watchdog.unref();
  };
  image.onStop(() => {
    if (watchdog) clearTimeout(watchdog);
    destroy();
  });
  const stop = (failure: SourceFailure): void => {
    if (watchdog) clearTimeout(watchdog);
    destroy();
    image.fail(failure);
  };
  quiet();
  input.on('data', quiet);
  gunzip.on('data', (b: Buffer) => {
    if (out + b.length > isize) {
      image.oversize = true;
      stop({
        message: `${name} inflates past the ${isize} bytes its gzip trailer gives, by compressed offset ${gunzip.bytesWritten} of ${fileSize}: a .gz of several members, or a corrupt one`,
        hint: 'flash it again: it is then inflated and checked whole before any card is written; nothing was written to any card',
      });
      return;
    }
    b.copy(image.data, out);
    out += b.length;
    image.grow(out);
  });
  gunzip.on('end', () => {
    if (watchdog) clearTimeout(watchdog);
    // 'end' comes only after zlib checked the trailer (CRC-32 and ISIZE): the bytes are the image's.
    if (out !== isize) {
      const f = explainDecodeFailure(name, { kind: 'gz', message: 'incorrect length check', code: 'Z_DATA_ERROR', compressedRead: fileSize, fileSize, outBytes: out });
      stop(f);
      return;
    }
    image.finish();
  });
  gunzip.on('error', (e: NodeJS.ErrnoException) => {
    // As the check of a whole file says it (gzip-size.ts): a stream that ends early or fails its trailer was read to its end.
    const atEnd = e.code === 'Z_BUF_ERROR' || /incorrect (data|length) check/i.test(e.message);
    const compressedRead = atEnd ? fileSize : gunzip.bytesWritten;
    stop(explainDecodeFailure(name, { kind: 'gz', message: e.message, code: e.code, compressedRead, fileSize, outBytes: out }));
  });
  input.on('error', (e) => stop({ message: `${name} cannot be read (${e.message})`, hint: 'check the path and its permissions' }));
  input.pipe(gunzip);
  return image;
}
