/**
 * A list that keeps only its `max` latest items. A list that shifts its oldest item out at every push moves all the
 * others each time; this one lets up to `max` dropped items wait at its front and cuts them off in one go.
 */
export class LatestItems<T> {
  private items: T[] = [];
  /** The index of the oldest kept item: the ones before it are dropped. */
  private start = 0;

  constructor(private readonly max: number) {}

  /** How many items are kept (at most `max`). */
  get length(): number {
    return this.items.length - this.start;
  }

  push(item: T): void {
    this.items.push(item);
    if (this.items.length - this.start <= this.max) return;
    this.start += 1;
    if (this.start >= this.max) {
      this.items = this.items.slice(this.start);
      this.start = 0;
    }
  }

  /** The kept item `back` places before the latest (0: the latest), or undefined. */
  fromEnd(back: number): T | undefined {
    const i = this.items.length - 1 - back;
    return i >= this.start ? this.items[i] : undefined;
  }

  /** The kept items, oldest first (the list itself while none was dropped: do not change it). */
  list(): readonly T[] {
    return this.start === 0 ? this.items : this.items.slice(this.start);
  }
}
