import { existsSync, realpathSync } from 'node:fs';
import type { SerialPort } from 'serialport';
import { BootAnalyzer } from '../../core/boot/analyzer.js';
import type { BootEvent } from '../../core/boot/boot-event.js';
import type { Stage } from '../../core/boot/stages.js';
import type { BootVerdict } from '../../core/boot/verdict.js';
import { assertNever } from '../../core/util/assert-never.js';
import { serialportModule } from '../natives.js';
import { describeOpenError } from './serial-errors.js';
import { SessionLog } from './serial-log.js';
import type { PortLister } from './port-lister.js';

/** Line settings of a port and the console's input options. */
export interface PortSettings {
  path: string;
  baudRate: number;
  dataBits: 5 | 6 | 7 | 8;
  parity: 'none' | 'even' | 'odd' | 'mark' | 'space';
  stopBits: 1 | 1.5 | 2;
  flowControl: 'none' | 'rtscts' | 'xonxoff';
  /** What the Enter key sends. */
  newline: 'CR' | 'LF' | 'CRLF';
  /** Show typed keys locally (for boards that do not echo). */
  localEcho: boolean;
  /** The node model the technician expects, to tailor the diagnosis. */
  expect: string | null;
}

/** Where a session stands. */
export type SessionState = 'open' | 'unplugged' | 'closed';

/** What identifies the adapter across a re-plug. */
export interface AdapterIdentity {
  serialNumber: string | null;
  vendorId: string | null;
  productId: string | null;
  byIdPath: string | null;
}

/** What a session reports to its service (and from there to the API). */
export interface SessionSink {
  data(bytes: Buffer, echo: boolean): void;
  boot(events: BootEvent[], stages: Stage[], verdict: BootVerdict): void;
  verdict(verdict: BootVerdict): void;
  state(state: SessionState, message: string): void;
}

const RECONNECT_POLL_MS = 100;
const TICK_MS = 250;
const QUIET_MS = 250;
const BREAK_MS = 250;

/** The bytes the Enter key sends in each newline mode. */
function newlineBytes(mode: PortSettings['newline']): string {
  switch (mode) {
    case 'CR':
      return '\r';
    case 'LF':
      return '\n';
    case 'CRLF':
      return '\r\n';
    default:
      return assertNever(mode, 'newline mode');
  }
}

/**
 * One open console: the port (serialport), its logs, its boot analyzer, and the reconnect loop. When the port
 * vanishes (a cable pulled, a pty closed) the session says "unplugged", keeps its logs and analyzer, and reopens
 * the same adapter (by-id link, serial number, or the typed path) within RECONNECT_POLL_MS of its return.
 */
export class SerialSession {
  state: SessionState = 'closed';
  reconnects = 0;
  readonly openedAt: number;
  private port: SerialPort | null = null;
  private analyzer: BootAnalyzer;
  private verdictAnnounced = false;
  private lastDataAt = 0;
  private ticker: NodeJS.Timeout | null = null;
  private poller: NodeJS.Timeout | null = null;
  private closing = false;
  private currentPath: string;

  constructor(
    readonly id: string,
    readonly settings: PortSettings,
    readonly identity: AdapterIdentity,
    readonly log: SessionLog,
    private readonly sink: SessionSink,
    private readonly lister: PortLister,
    private readonly now: () => number = Date.now,
  ) {
    this.openedAt = now();
    this.currentPath = settings.path;
    this.analyzer = this.newAnalyzer();
  }

  /** Opens the port; rejects with the cause and its fix. */
  async open(): Promise<void> {
    await this.openPort(this.currentPath);
    this.state = 'open';
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    this.ticker.unref();
  }

  /** The path the session reads now (after a re-plug it may differ from the one opened). */
  get path(): string {
    return this.currentPath;
  }

  /** The current verdict and timeline. */
  verdict(): BootVerdict {
    return this.analyzer.verdict(this.now());
  }

  /** Starts a new analysis (the technician power-cycles the board); the logs go on. */
  resetAnalysis(expect?: string | null): void {
    if (expect !== undefined) this.settings.expect = expect;
    this.analyzer = this.newAnalyzer();
    this.verdictAnnounced = false;
  }

  /** Typed keys or a paste; `\r` from a terminal becomes the session's newline. */
  async write(text: string): Promise<void> {
    if (this.state !== 'open' || !this.port) throw new Error(`the port is ${this.state}`);
    const data = text.replace(/\r\n|\r|\n/g, newlineBytes(this.settings.newline));
    if (this.settings.localEcho) this.sink.data(Buffer.from(text.replace(/\r/g, '\r\n')), true);
    await new Promise<void>((resolve, reject) => this.port!.write(data, (e) => (e ? reject(e) : resolve())));
  }

  /** Sends a break (250 ms); a pty cannot, which is reported, not thrown. */
  async sendBreak(): Promise<string | null> {
    if (this.state !== 'open' || !this.port) throw new Error(`the port is ${this.state}`);
    const set = (brk: boolean) => new Promise<void>((resolve, reject) => this.port!.set({ brk }, (e) => (e ? reject(e) : resolve())));
    try {
      await set(true);
      await new Promise((r) => setTimeout(r, BREAK_MS));
      await set(false);
      return null;
    } catch (error) {
      return `break not sent: ${(error as Error).message} (a pty or this adapter cannot send a break)`;
    }
  }

  /** Closes the port and the logs. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.ticker) clearInterval(this.ticker);
    if (this.poller) clearInterval(this.poller);
    this.ticker = this.poller = null;
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    if (this.state !== 'closed') {
      this.state = 'closed';
      this.log.note(this.now(), 'closed');
      this.sink.state('closed', 'closed');
    }
    await this.log.close();
  }

  private newAnalyzer(): BootAnalyzer {
    return new BootAnalyzer({
      expectedModel: this.settings.expect,
      decodeText: (b) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('utf8'),
    });
  }

  private openPort(path: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = this.settings;
      const port = new (serialportModule().SerialPort)({
        path,
        baudRate: s.baudRate,
        dataBits: s.dataBits,
        parity: s.parity,
        stopBits: s.stopBits,
        rtscts: s.flowControl === 'rtscts',
        xon: s.flowControl === 'xonxoff',
        xoff: s.flowControl === 'xonxoff',
        hupcl: false,
        autoOpen: false,
      });
      port.open((error) => {
        if (error) {
          reject(describeOpenError(path, error));
          return;
        }
        this.port = port;
        port.on('data', (chunk: Buffer) => this.onData(chunk));
        port.on('close', () => this.onClose(port));
        port.on('error', (e: NodeJS.ErrnoException) => {
          // a pty whose other end closed reads EIO (a pulled USB adapter gives ENXIO, reported as a close)
          if (['EIO', 'ENXIO', 'EBADF', 'ENODEV'].includes(e.code ?? '')) {
            this.onClose(port);
            port.close(() => undefined);
          }
        });
        resolve();
      });
    });
  }

  private onData(chunk: Buffer): void {
    const now = this.now();
    this.lastDataAt = now;
    this.log.bytes(chunk);
    this.sink.data(chunk, false);
    const update = this.analyzer.push(chunk, now);
    this.log.lines(update.lines);
    if (update.events.length > 0 || update.stagesChanged) this.report(update.events, now);
  }

  private report(events: BootEvent[], now: number): void {
    const verdict = this.analyzer.verdict(now);
    this.sink.boot(events, verdict.stages, verdict);
    if (verdict.final && !this.verdictAnnounced) {
      this.verdictAnnounced = true;
      this.sink.verdict(verdict);
    }
  }

  /** Every TICK_MS: a prompt waiting without a newline, and a boot that settled while the port is quiet. */
  private tick(): void {
    const now = this.now();
    if (this.state === 'open' && this.port && !existsSync(this.currentPath)) {
      // the device node (or the pty's link) vanished: unplugged, even if no read error surfaced
      const port = this.port;
      this.onClose(port);
      port.close(() => undefined);
      return;
    }
    if (this.lastDataAt > 0 && now - this.lastDataAt >= QUIET_MS) {
      const update = this.analyzer.idle(now);
      if (update.events.length > 0) return this.report(update.events, now);
    }
    if (!this.verdictAnnounced && this.analyzer.verdict(now).final) this.report([], now);
  }

  private onClose(port: SerialPort): void {
    if (this.closing || this.port !== port) return;
    this.port = null;
    this.state = 'unplugged';
    const now = this.now();
    this.log.note(now, `unplugged: ${this.currentPath} went away; waiting for the same adapter`);
    this.sink.state('unplugged', `${this.currentPath} went away (cable pulled?); waiting for the same adapter to come back`);
    this.poller = setInterval(() => void this.tryReconnect(), RECONNECT_POLL_MS);
  }

  private reconnecting = false;

  private async tryReconnect(): Promise<void> {
    if (this.reconnecting || this.closing) return;
    this.reconnecting = true;
    try {
      const path = await this.findAdapter();
      if (!path) return;
      await this.openPort(path);
      if (this.poller) clearInterval(this.poller);
      this.poller = null;
      this.currentPath = path;
      this.state = 'open';
      this.reconnects += 1;
      this.log.note(this.now(), `reconnected on ${path}`);
      this.sink.state('open', `reconnected on ${path}`);
    } catch {
      // not back yet (or still settling): try again at the next poll
    } finally {
      this.reconnecting = false;
    }
  }

  /** The path of the same adapter if it is back: its by-id link, then its serial number, then the typed path. */
  private async findAdapter(): Promise<string | null> {
    const id = this.identity;
    if (id.byIdPath && existsSync(id.byIdPath)) return realpathSync(id.byIdPath);
    if (id.serialNumber) {
      const ports = await this.lister().catch(() => []);
      const same = ports.find((p) => p.serialNumber === id.serialNumber && (!id.vendorId || p.vendorId === id.vendorId));
      return same?.path ?? null;
    }
    return existsSync(this.settings.path) ? this.settings.path : null;
  }
}
