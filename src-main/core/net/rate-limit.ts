/** Rate limits for the bench's packet handlers: token buckets on an injected clock, and a bounded map of them. */

/** A token bucket: `burst` tokens, refilled at `perSecond`; `take` spends one when there is one. */
export class TokenBucket {
  private tokens: number;
  private at: number | null = null;

  constructor(
    readonly perSecond: number,
    readonly burst: number,
  ) {
    if (!(perSecond > 0) || !(burst >= 1)) throw new Error(`a token bucket needs perSecond > 0 and burst >= 1 (got ${perSecond}, ${burst})`);
    this.tokens = burst;
  }

  /** Spends one token at `nowMs` (monotonic ms); false when the bucket is empty (the caller drops the packet). */
  take(nowMs: number): boolean {
    if (this.at !== null && nowMs > this.at) this.tokens = Math.min(this.burst, this.tokens + ((nowMs - this.at) / 1000) * this.perSecond);
    this.at = this.at === null ? nowMs : Math.max(this.at, nowMs);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** True when the bucket is full again at `nowMs` (its state carries nothing: it can be forgotten). */
  isIdle(nowMs: number): boolean {
    return this.at === null || this.tokens + ((nowMs - this.at) / 1000) * this.perSecond >= this.burst;
  }
}

/**
 * One token bucket per key (a MAC, an IP), in a map that never holds more than `maxKeys` buckets: when full, the
 * least recently used bucket is forgotten. A flood of random keys therefore costs bounded memory; forgetting a
 * bucket only gives that key a fresh burst.
 */
export class KeyedRateLimit {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    readonly maxKeys: number,
  ) {}

  /** Spends one token of `key`'s bucket; false when that key is over its limit. */
  take(key: string, nowMs: number): boolean {
    let bucket = this.buckets.get(key);
    if (bucket) this.buckets.delete(key);
    else bucket = new TokenBucket(this.perSecond, this.burst);
    this.buckets.set(key, bucket); // most recently used last
    while (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    return bucket.take(nowMs);
  }

  /** Number of buckets held (bounded by maxKeys). */
  get size(): number {
    return this.buckets.size;
  }
}
