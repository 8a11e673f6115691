import type { BootEvent } from './boot-event.js';

/** Events a whole-log analysis lists at most: the first half and the latest half of this (the rest is counted). */
export const MAX_LISTED_EVENTS = 10_000;

/**
 * The events of a captured log as the result lists them, in bounded memory: the first `max / 2` and the latest
 * `max / 2` (a ring), with the count of those in between that were dropped. The verdict never reads this list: the
 * analyzer's state machine has seen every event.
 */
export class EventLog {
  private readonly head: BootEvent[] = [];
  private readonly tail: BootEvent[] = [];
  private tailStart = 0;
  private total = 0;
  private readonly headMax: number;
  private readonly tailMax: number;

  constructor(max = MAX_LISTED_EVENTS) {
    this.headMax = Math.ceil(max / 2);
    this.tailMax = Math.floor(max / 2);
  }

  /** Records the events of one update. */
  add(events: readonly BootEvent[]): void {
    for (const e of events) {
      this.total += 1;
      if (this.head.length < this.headMax) this.head.push(e);
      else if (this.tailMax === 0) continue;
      else if (this.tail.length < this.tailMax) this.tail.push(e);
      else {
        this.tail[this.tailStart] = e;
        this.tailStart = (this.tailStart + 1) % this.tailMax;
      }
    }
  }

  /** Every event seen. */
  get count(): number {
    return this.total;
  }

  /** Events seen but not listed (between the first and the latest ones). */
  get dropped(): number {
    return this.total - this.head.length - this.tail.length;
  }

  /** The listed events, in order. */
  list(): BootEvent[] {
    return [...this.head, ...this.tail.slice(this.tailStart), ...this.tail.slice(0, this.tailStart)];
  }
}
