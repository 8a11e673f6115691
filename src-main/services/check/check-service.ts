import { EventEmitter } from 'node:events';
import { BootCheck, type CheckVerdict } from '../../core/check/boot-check.js';
import type { ConsoleSeen } from '../../core/check/inputs.js';
import type { BenchService, DhcpSighting } from '../bench/bench-service.js';
import type { TftpEvent } from '../bench/tftp-server.js';

/** Console events for the check (the serial service's boot analyzer events fit it). */
export interface ConsoleFeed {
  subscribe(listener: (e: ConsoleSeen) => void): () => void;
}

/** How one check session runs. */
export interface CheckSessionOptions {
  expected: string;
  mac?: string | null;
  serving: 'probe' | 'root' | 'observe';
  timeoutS: number;
  console?: ConsoleFeed | null;
}

/**
 * One board check: listens to the bench (DHCP + TFTP) and, when given, the console, feeds the pure BootCheck, and
 * emits 'update' with the verdict whenever a check changes, then 'done' once it passes or fails (or times out).
 */
export class CheckSession extends EventEmitter {
  private readonly check: BootCheck;
  private readonly unsubscribe: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private finished = false;
  private readonly started = performance.now();

  constructor(
    private readonly bench: BenchService,
    private readonly options: CheckSessionOptions,
  ) {
    super();
    this.check = new BootCheck({
      expected: options.expected,
      mac: options.mac ?? null,
      serving: options.serving,
      serial: Boolean(options.console),
    });
  }

  /** Starts listening; the verdict comes by 'update' and 'done' events. */
  start(): void {
    // Every time the check records is "ms since the check started", whatever clock the source used.
    const onDhcp = (d: DhcpSighting): void => this.changed(this.check.onDhcp({ ...d, at: this.since() }));
    const onTftp = (t: TftpEvent): void => this.changed(this.check.onTftp({ ...t, at: this.since() }));
    this.bench.on('dhcp', onDhcp);
    this.bench.on('tftp', onTftp);
    this.unsubscribe.push(() => this.bench.off('dhcp', onDhcp), () => this.bench.off('tftp', onTftp));
    if (this.options.console) {
      this.unsubscribe.push(this.options.console.subscribe((e) => this.changed(this.check.onConsole({ ...e, at: this.since() }))));
    }
    this.timer = setTimeout(() => {
      this.check.onTimeout(this.since(), this.options.timeoutS);
      this.changed(true);
    }, this.options.timeoutS * 1000);
    this.emit('update', this.verdict());
  }

  /** The verdict so far. */
  verdict(): CheckVerdict & { elapsedMs: number } {
    return { ...this.check.verdict(), elapsedMs: this.since() };
  }

  private since(): number {
    return Math.round(performance.now() - this.started);
  }

  /** Stops listening. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const u of this.unsubscribe) u();
    this.unsubscribe.length = 0;
  }

  private changed(didChange: boolean): void {
    if (!didChange || this.finished) return;
    const v = this.verdict();
    this.emit('update', v);
    if (v.verdict !== 'pending') {
      this.finished = true;
      this.stop();
      this.emit('done', v);
    }
  }
}
