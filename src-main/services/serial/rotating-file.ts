import { constants, createWriteStream, existsSync, openSync, readdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { Writable } from 'node:stream';
import { basename, dirname, extname, join } from 'node:path';

/** Append, create, and refuse a symlink as the file itself. */
const APPEND_NOFOLLOW = constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | constants.O_NOFOLLOW;

/** How big a session's log may grow on disk: `files` files of at most `maxBytes` each (the current one included). */
export interface LogLimits {
  maxBytes: number;
  files: number;
}

/** 16 MiB x 4 files per log (raw and text each): 64 MiB per console session at most. */
export const DEFAULT_LOG_LIMITS: LogLimits = { maxBytes: 16 * 1024 * 1024, files: 4 };

/** The name of the `index`-th older piece of a log: `a.log` -> `a.1.log` (index 0 is the file itself). */
export function pieceName(path: string, index: number): string {
  if (index === 0) return path;
  const ext = extname(path);
  return `${path.slice(0, path.length - ext.length)}.${index}${ext}`;
}

/** A rotated piece's name (`a.3.log`) -> its head's (`a.log`) and index, or null for a head. */
export function pieceOf(name: string): { head: string; index: number } | null {
  const m = /^(.+)\.(\d+)(\.(?:log|raw))$/.exec(name);
  return m ? { head: m[1]! + m[3]!, index: Number(m[2]) } : null;
}

/** The files of a rotated log, oldest first, ending with `path` itself (only `path` when it never rotated). */
export function rotatedSet(path: string): string[] {
  const dir = dirname(path);
  const head = basename(path);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [path];
  }
  const older = names
    .map((n) => ({ n, p: pieceOf(n) }))
    .filter((x) => x.p !== null && x.p.head === head && x.p.index > 0)
    .sort((a, b) => b.p!.index - a.p!.index)
    .map((x) => join(dir, x.n));
  return [...older, path];
}

/**
 * An append-only log file capped on disk: when the next write would take it over `maxBytes`, the file becomes
 * `name.1.ext` (older pieces shift to `.2`, `.3`, ...; the piece beyond `files - 1` is deleted) and a fresh file
 * starts under the same name. Writes already queued on the old stream land in the renamed file (the descriptor
 * follows the rename), so no byte is lost or reordered. A single write is never split.
 */
export class RotatingFile {
  private stream: Writable;
  /** Why the file could not be opened (a symlink planted in its place, a full disk): the log is then dropped. */
  openError: string | null = null;
  private size: number;
  private readonly closing: Promise<void>[] = [];

  constructor(
    readonly path: string,
    private readonly limits: LogLimits = DEFAULT_LOG_LIMITS,
  ) {
    this.size = existsSync(path) ? statSync(path).size : 0;
    this.stream = this.openStream();
  }

  /** Appends data (a whole line or a chunk), rotating first if it would not fit. */
  write(data: Buffer | string): void {
    const n = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    if (this.size > 0 && this.size + n > this.limits.maxBytes) this.rotate();
    this.stream.write(data);
    this.size += n;
  }

  /** Flushes and closes the file (and any stream left by a rotation). */
  close(): Promise<void> {
    const last = new Promise<void>((resolve) => this.stream.end(() => resolve()));
    return Promise.all([...this.closing, last]).then(() => undefined);
  }

  private rotate(): void {
    const old = this.stream;
    this.closing.push(new Promise<void>((resolve) => old.end(() => resolve())));
    const keep = Math.max(1, this.limits.files);
    try {
      if (keep === 1) unlinkSync(this.path);
      else {
        const oldest = pieceName(this.path, keep - 1);
        if (existsSync(oldest)) unlinkSync(oldest);
        for (let i = keep - 2; i >= 0; i -= 1) {
          const from = pieceName(this.path, i);
          if (existsSync(from)) renameSync(from, pieceName(this.path, i + 1));
        }
      }
    } catch {
      // a piece removed or locked meanwhile: the new file still starts, the log goes on
    }
    this.size = 0;
    this.stream = this.openStream();
  }

  private openStream(): Writable {
    // the file is opened now, not on the stream's next tick: a rotation right after must rename this very file
    let fd: number;
    try {
      // never through a symlink planted in logs/ (the root helper may be the writer), not even on a retry
      fd = openSync(this.path, APPEND_NOFOLLOW, 0o644);
    } catch (error) {
      this.openError = `${this.path}: ${(error as Error).message}`;
      return new Writable({ write: (_chunk, _enc, done) => done() });
    }
    const s = createWriteStream(this.path, { fd });
    s.on('error', () => undefined);
    return s;
  }
}
