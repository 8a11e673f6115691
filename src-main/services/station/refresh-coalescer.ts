/**
 * Folds a burst of device events into one drive refresh: a card insert sends several (udev add/change, partition
 * events, the size probe), each of which used to start a full drive listing. The refresh runs once the events have
 * been quiet for `quietMs` (at most `maxWaitMs` after the first, so a steady stream still refreshes); an event that
 * arrives while a refresh runs asks for exactly one more after it (it may be for a change the running one missed).
 */
export class RefreshCoalescer {
  private timer: NodeJS.Timeout | null = null;
  private firstAt = 0;
  private running = false;
  private again = false;

  constructor(
    private readonly refresh: () => Promise<unknown>,
    private readonly quietMs = 15,
    private readonly maxWaitMs = 40,
  ) {}

  /** One more device event. */
  request(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    const now = Date.now();
    if (this.timer) clearTimeout(this.timer);
    else this.firstAt = now;
    const wait = Math.max(0, Math.min(this.quietMs, this.firstAt + this.maxWaitMs - now));
    this.timer = setTimeout(() => this.fire(), wait);
  }

  private fire(): void {
    this.timer = null;
    this.running = true;
    void this.refresh()
      .catch(() => undefined)
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.request();
        }
      });
  }

  /** Drops a pending refresh. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.again = false;
  }
}
