import { EventEmitter } from 'node:events';
import type { ConsoleSeen } from '../../core/check/inputs.js';
import { RackTracker, type RackTrackerOptions } from '../../core/check/rack-tracker.js';
import { warmRackTracker } from '../../core/check/rack-warm-up.js';
import type { RackEvent, RackExpect } from '../../core/check/rack-types.js';
import type { BenchService, DhcpSighting } from '../bench/bench-service.js';
import type { TftpEvent } from '../bench/tftp-server.js';
import type { ConsoleFeed } from './check-service.js';

/** How a rack check runs. */
export interface RackSessionOptions {
  iface: string;
  expect: RackExpect;
  serving: 'probe' | 'root' | 'observe';
  timeoutS: number;
  /** The consoles watched, by port (a port that could not be opened carries its error instead). */
  consoles: { port: string; feed: ConsoleFeed | null; error: string | null }[];
  /** Once every board seen has its verdict, wait this long for more boards before ending (ms, default 8000). */
  settleMs?: number;
}

/**
 * A rack check: follows every board on the link (bench DHCP + TFTP, and each console) through the pure RackTracker,
 * emits 'event' per board event, and 'done' once every board seen has its verdict or the timeout passed.
 */
export class RackSession extends EventEmitter {
  private readonly tracker: RackTracker;
  private readonly trackerOptions: RackTrackerOptions;
  private readonly unsubscribe: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private settle: NodeJS.Timeout | null = null;
  private finished = false;
  private readonly started = performance.now();

  constructor(
    private readonly bench: BenchService,
    private readonly options: RackSessionOptions,
  ) {
    super();
    this.trackerOptions = { expect: options.expect, serving: options.serving, ports: options.consoles.filter((c) => c.feed).map((c) => c.port) };
    this.tracker = new RackTracker(this.trackerOptions);
  }

  /** Starts listening. */
  start(): void {
    // the first board's packets go through code compiled now, not on their path
    warmRackTracker(this.trackerOptions);
    const onDhcp = (d: DhcpSighting): void => this.changed(this.tracker.onDhcp({ ...d, at: this.since() }));
    const onTftp = (t: TftpEvent): void => this.changed(this.tracker.onTftp({ ...t, at: this.since() }));
    this.bench.on('dhcp', onDhcp);
    this.bench.on('tftp', onTftp);
    this.unsubscribe.push(() => this.bench.off('dhcp', onDhcp), () => this.bench.off('tftp', onTftp));
    for (const c of this.options.consoles) {
      if (c.feed) this.unsubscribe.push(c.feed.subscribe((e: ConsoleSeen) => this.changed(this.tracker.onConsole(c.port, { ...e, at: this.since() }))));
    }
    this.timer = setTimeout(() => {
      this.changed(this.tracker.onTimeout(this.since(), this.options.timeoutS), true);
    }, this.options.timeoutS * 1000);
  }

  /** Every board now. */
  snapshot() {
    const joined = new Map(this.tracker.consoles().map((c) => [c.port, c.mac]));
    return {
      running: !this.finished,
      iface: this.options.iface,
      expect: this.options.expect,
      timeoutS: this.options.timeoutS,
      elapsedMs: this.since(),
      boards: this.tracker.boards(),
      ports: this.options.consoles.map((c) => ({ port: c.port, mac: joined.get(c.port) ?? null, error: c.error })),
    };
  }

  /** Stops listening. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.settle) clearTimeout(this.settle);
    this.timer = null;
    this.settle = null;
    for (const u of this.unsubscribe) u();
    this.unsubscribe.length = 0;
    this.finished = true;
  }

  private since(): number {
    return Math.round(performance.now() - this.started);
  }

  private changed(events: RackEvent[], timedOut = false): void {
    if (this.finished) return;
    for (const e of events) this.emit('event', e);
    if (timedOut) return this.finish();
    if (!events.length || !this.tracker.allDecided()) return;
    // Every board seen is decided: a map names them all; otherwise more boards may still come up, so wait a while.
    const expect = this.options.expect;
    const seen = new Set(this.tracker.boards().map((b) => b.mac));
    if (expect.kind === 'map' && Object.keys(expect.map).every((m) => seen.has(m))) return this.finish();
    if (this.settle) clearTimeout(this.settle);
    this.settle = setTimeout(() => this.tracker.allDecided() && this.finish(), this.options.settleMs ?? 8000);
  }

  private finish(): void {
    this.stop();
    this.emit('done', this.snapshot());
  }
}
