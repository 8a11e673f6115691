import { createWriteStream, openSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { NEW_LOG } from '../access/state-files.js';
import type { ConsoleLine } from '../../core/boot/line-decoder.js';

/** The two files of a console session: every raw byte, and a text log with a timestamp per line. */
export class SessionLog {
  readonly rawPath: string;
  readonly textPath: string;
  private readonly raw: WriteStream;
  private readonly text: WriteStream;

  constructor(dir: string, baseName: string) {
    this.rawPath = join(dir, `${baseName}.raw`);
    this.textPath = join(dir, `${baseName}.log`);
    // A session's own new files: never through a symlink planted in logs/ (the flags are O_EXCL|O_NOFOLLOW).
    this.raw = createWriteStream(this.rawPath, { fd: openSync(this.rawPath, NEW_LOG, 0o644) });
    this.text = createWriteStream(this.textPath, { fd: openSync(this.textPath, NEW_LOG, 0o644) });
    this.raw.on('error', () => undefined);
    this.text.on('error', () => undefined);
  }

  /** Appends bytes as received. */
  bytes(chunk: Buffer): void {
    this.raw.write(chunk);
  }

  /** Appends decoded lines, each with its arrival time. */
  lines(lines: readonly ConsoleLine[]): void {
    if (lines.length === 0) return;
    this.text.write(lines.map((l) => `${new Date(l.t).toISOString()} ${l.text}${l.continued ? ' \\' : ''}\n`).join(''));
  }

  /** A session note (unplugged, reconnected, closed) in the text log. */
  note(at: number, message: string): void {
    this.text.write(`${new Date(at).toISOString()} --- ${message} ---\n`);
  }

  /** Flushes and closes both files. */
  close(): Promise<void> {
    const end = (s: WriteStream) => new Promise<void>((resolve) => s.end(() => resolve()));
    return Promise.all([end(this.raw), end(this.text)]).then(() => undefined);
  }
}

/** A file-name-safe timestamp + port name, e.g. 20251122-044618-ttyUSB0. */
export function logBaseName(path: string, at: Date, id: string): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${path.split('/').pop()!.replace(/[^\w.-]/g, '_')}-${id}`;
}
