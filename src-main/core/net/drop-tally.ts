/**
 * Counts the packets the bench drops (malformed, over a rate limit), per source, in bounded memory: at most
 * `maxSources` sources are named, the rest are summed as "other sources". It says when a source is seen for the
 * first time, so the service logs once per source and only counts afterwards.
 */

/** Why a packet was dropped. */
export type DropKind = 'malformed' | 'rate-limited';

/** One named source's count. */
export interface DropSource {
  /** "10.0.0.7", "52:54:00:12:34:56", "0.0.0.0 (chaddr 00:00:..)". */
  source: string;
  kind: DropKind;
  count: number;
  /** The cause of the last drop, as the decoder or the limit said it. */
  lastCause: string;
  /** Monotonic ms of the first and last drop. */
  firstAt: number;
  lastAt: number;
}

/** What the tally holds, for the technician. */
export interface DropSummary {
  malformed: number;
  rateLimited: number;
  /** Sources named (most drops first). */
  sources: DropSource[];
  /** Drops from sources beyond the bound (not named). */
  otherSources: number;
}

/** A bounded per-source count of dropped packets. */
export class DropTally {
  private readonly bySource = new Map<string, DropSource>();
  private readonly totals: Record<DropKind, number> = { malformed: 0, 'rate-limited': 0 };
  private other = 0;
  private reported = new Map<string, number>();
  private reportedOther = 0;

  constructor(readonly maxSources = 64) {}

  /** Counts one drop; `first` is true the first time this source (and kind) is seen: log it then, only then. */
  record(kind: DropKind, source: string, cause: string, nowMs: number): { first: boolean } {
    this.totals[kind] += 1;
    const key = `${kind} ${source}`;
    const known = this.bySource.get(key);
    if (known) {
      known.count += 1;
      known.lastCause = cause;
      known.lastAt = nowMs;
      return { first: false };
    }
    if (this.bySource.size >= this.maxSources) {
      this.other += 1;
      return { first: false };
    }
    this.bySource.set(key, { source, kind, count: 1, lastCause: cause, firstAt: nowMs, lastAt: nowMs });
    return { first: true };
  }

  /** Everything counted so far. */
  summary(): DropSummary {
    return {
      malformed: this.totals.malformed,
      rateLimited: this.totals['rate-limited'],
      sources: [...this.bySource.values()].sort((a, b) => b.count - a.count).map((s) => ({ ...s })),
      otherSources: this.other,
    };
  }

  /**
   * The counts that grew since the last call, for a periodic one-line summary; null when nothing new was dropped.
   * Lists at most `maxNamed` sources (most drops first).
   */
  takeNews(maxNamed = 5): { lines: string[]; more: number } | null {
    const grown: { s: DropSource; n: number }[] = [];
    for (const [key, s] of this.bySource) {
      const n = s.count - (this.reported.get(key) ?? 0);
      if (n > 0) grown.push({ s, n });
      this.reported.set(key, s.count);
    }
    const otherNew = this.other - this.reportedOther;
    this.reportedOther = this.other;
    if (grown.length === 0 && otherNew === 0) return null;
    grown.sort((a, b) => b.n - a.n);
    const lines = grown.slice(0, maxNamed).map(({ s, n }) => `${n} ${s.kind === 'malformed' ? 'malformed' : 'rate-limited'} from ${s.source} (${s.lastCause})`);
    const rest = grown.slice(maxNamed).reduce((t, g) => t + g.n, 0) + otherNew;
    return { lines, more: rest };
  }
}
