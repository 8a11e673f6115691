import type { IDisposable, IMarker, Terminal } from '@xterm/xterm';

/**
 * A line chosen from the timeline stays selected while the board goes on printing: xterm drops its selection whenever
 * the terminal's row count changes (the timeline beside it grows as stages light up, and the console column follows
 * its height), so the pinned line is selected and centred again after each resize. A marker follows the line when the
 * scrollback is trimmed; a key typed, a mouse press (the technician's own selection) or a wheel scroll in the terminal
 * unpins it.
 */
export class PinnedSelection {
  private marker: IMarker | null = null;
  private length = 1;
  private subscriptions: IDisposable[] = [];
  private unpin = (): void => this.clear();

  constructor(readonly term: Terminal) {}

  /** Selects buffer row `row` (absolute), scrolls it to the middle of the view, and keeps it so. */
  pin(row: number, length: number): void {
    this.clear();
    const buffer = this.term.buffer.active;
    this.marker = this.term.registerMarker(row - (buffer.baseY + buffer.cursorY)) ?? null;
    this.length = Math.max(1, length);
    // xterm clears its selection in a resize listener of its own that runs after this one: select on the next frame
    this.subscriptions = [this.term.onResize(() => requestAnimationFrame(() => this.show())), this.term.onData(this.unpin)];
    this.term.element?.addEventListener('mousedown', this.unpin);
    this.term.element?.addEventListener('wheel', this.unpin, { passive: true });
    this.show();
  }

  /** Forgets the pinned line (the selection itself is left as it is). */
  clear(): void {
    for (const s of this.subscriptions) s.dispose();
    this.subscriptions = [];
    this.term.element?.removeEventListener('mousedown', this.unpin);
    this.term.element?.removeEventListener('wheel', this.unpin);
    this.marker?.dispose();
    this.marker = null;
  }

  private show(): void {
    const row = this.marker?.line ?? -1;
    if (row < 0) return this.clear();
    this.term.scrollToLine(Math.max(0, row - Math.floor(this.term.rows / 2)));
    this.term.select(0, row, this.length);
  }
}
