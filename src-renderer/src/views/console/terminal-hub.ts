/**
 * Where a session's bytes go: its terminal once mounted. The hub keeps the latest bytes of every session too, so a
 * terminal that mounts late (or remounts) starts with what it missed: nothing is lost between `serial.open` and the
 * terminal's first paint.
 */
export class TerminalHub {
  private readonly writers = new Map<string, (bytes: Uint8Array) => void>();
  private readonly history = new Map<string, { chunks: Uint8Array[]; size: number }>();
  private static readonly KEEP = 2 * 1024 * 1024;

  /** Bytes of a session: to its terminal, and kept. */
  write(sessionId: string, bytes: Uint8Array): void {
    const h = this.history.get(sessionId) ?? { chunks: [], size: 0 };
    h.chunks.push(bytes);
    h.size += bytes.length;
    while (h.size > TerminalHub.KEEP && h.chunks.length > 1) h.size -= h.chunks.shift()!.length;
    this.history.set(sessionId, h);
    this.writers.get(sessionId)?.(bytes);
  }

  /** A terminal attaches: it gets what came so far, then the live bytes. Returns the detach function. */
  attach(sessionId: string, writer: (bytes: Uint8Array) => void): () => void {
    for (const b of this.history.get(sessionId)?.chunks ?? []) writer(b);
    this.writers.set(sessionId, writer);
    return () => {
      if (this.writers.get(sessionId) === writer) this.writers.delete(sessionId);
    };
  }

  /** Forgets a session. */
  drop(sessionId: string): void {
    this.writers.delete(sessionId);
    this.history.delete(sessionId);
  }
}
