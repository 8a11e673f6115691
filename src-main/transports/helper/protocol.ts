/**
 * The privileged helper's wire protocol, shared by both ends: JSON lines on the helper's stdio.
 *
 *   client -> helper   line 1: the per-launch token (raw text), then `{"id":1,"name":"app.info","input":{}}` lines
 *   helper -> client   `{"ready":true}` once authenticated and the backend is up, then
 *                      `{"id":1,"ok":true,"result":...}` / `{"id":1,"ok":false,"error":{code,message,hint?}}`
 *                      and `{"event":"drives.changed","payload":...}` pushed at any time.
 *
 * The expected token reaches the helper through a file the client writes in `<home>/run/` (mode 0600, named after
 * the client's pid, which is the helper's parent pid even through pkexec, which execs in place): pkexec clears the
 * environment and closes every descriptor above 2, and the command line is world readable, so a file in the user's
 * private state dir is the one channel left besides stdin. The stdio pipes are already private to the parent; the
 * token binds the root helper to the process that wrote that file and keeps the protocol safe to reuse on a socket.
 */

/** Largest request line the helper accepts; longer lines are answered with an error and dropped. */
export const MAX_REQUEST_LINE = 1024 * 1024;
/** Largest response line the client accepts (journal exports can be large). */
export const MAX_RESPONSE_LINE = 256 * 1024 * 1024;
/** How long the helper waits for the token line before it gives up. */
export const TOKEN_TIMEOUT_MS = 30_000;

/**
 * How often the helper checks its parent is still there (its parent pid changes when the parent dies: the helper is
 * reparented). stdin closing covers a parent that exits, not one whose pipe another process still holds.
 */
export const PARENT_POLL_MS = 500;

/** The directory (under the state home) where the client leaves the token file for the helper. */
export const TOKEN_DIR = 'run';

/** The token file's name for a client process id. */
export function tokenFileName(clientPid: number): string {
  return `helper-${clientPid}.token`;
}

/** Splits a byte stream into lines, enforcing a maximum line length (oversized lines are reported, then dropped). */
export class LineSplitter {
  private chunks: Buffer[] = [];
  private size = 0;
  private dropping = false;

  constructor(
    private readonly maxLine: number,
    private readonly onLine: (line: string) => void,
    private readonly onOversized: () => void,
  ) {}

  /** Feeds bytes; calls onLine for every complete line. */
  push(data: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = data.indexOf(0x0a, start);
      if (nl === -1) {
        this.append(data.subarray(start));
        return;
      }
      this.append(data.subarray(start, nl));
      start = nl + 1;
      if (this.dropping) {
        this.dropping = false;
      } else {
        const line = Buffer.concat(this.chunks, this.size).toString('utf8');
        this.reset();
        this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
      }
      this.reset();
    }
  }

  private append(part: Buffer): void {
    if (this.dropping || part.length === 0) return;
    if (this.size + part.length > this.maxLine) {
      this.reset();
      this.dropping = true;
      this.onOversized();
      return;
    }
    this.chunks.push(part);
    this.size += part.length;
  }

  private reset(): void {
    this.chunks = [];
    this.size = 0;
  }
}
