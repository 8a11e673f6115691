import { join } from 'node:path';
import type { ConsoleLine } from '../../core/boot/line-decoder.js';
import { DEFAULT_LOG_LIMITS, type LogLimits, RotatingFile } from './rotating-file.js';

/**
 * The two files of a console session: every raw byte, and a text log with a timestamp per line. Each is capped on
 * disk and rotated (RotatingFile): a board left printing for days keeps at most `files x maxBytes` per log.
 */
export class SessionLog {
  readonly rawPath: string;
  readonly textPath: string;
  private readonly raw: RotatingFile;
  private readonly text: RotatingFile;

  constructor(dir: string, baseName: string, limits: LogLimits = DEFAULT_LOG_LIMITS) {
    this.rawPath = join(dir, `${baseName}.raw`);
    this.textPath = join(dir, `${baseName}.log`);
    this.raw = new RotatingFile(this.rawPath, limits);
    this.text = new RotatingFile(this.textPath, limits);
  }

  /** Appends bytes as received. */
  bytes(chunk: Buffer): void {
    this.raw.write(chunk);
  }

  /** Appends decoded lines, each with its arrival time (a rotation falls between two lines, never inside one). */
  lines(lines: readonly ConsoleLine[]): void {
    for (const l of lines) this.text.write(`${new Date(l.t).toISOString()} ${l.text}${l.continued ? ' \\' : ''}\n`);
  }

  /** A session note (unplugged, reconnected, closed) in the text log. */
  note(at: number, message: string): void {
    this.text.write(`${new Date(at).toISOString()} --- ${message} ---\n`);
  }

  /** Flushes and closes both files. */
  close(): Promise<void> {
    return Promise.all([this.raw.close(), this.text.close()]).then(() => undefined);
  }
}

/** A file-name-safe timestamp + port name, e.g. 20251122-044618-ttyUSB0. */
export function logBaseName(path: string, at: Date, id: string): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${path.split('/').pop()!.replace(/[^\w.-]/g, '_')}-${id}`;
}
