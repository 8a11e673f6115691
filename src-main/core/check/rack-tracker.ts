import { identify, judgeIdentity } from '../walt/vci.js';
import { BootCheck, CHECK_IDS } from './boot-check.js';
import type { ConsoleSeen, DhcpSeen, TftpSeen } from './inputs.js';
import type { RackBoard, RackEvent, RackExpect } from './rack-types.js';

/** One input of a board's attempt, kept so the attempt can be replayed when its expected model becomes known. */
type Input = { kind: 'dhcp'; d: DhcpSeen } | { kind: 'tftp'; t: TftpSeen } | { kind: 'console'; e: ConsoleSeen } | { kind: 'timeout'; at: number; s: number };

interface Row {
  mac: string;
  attempts: number;
  inputs: Input[];
  check: BootCheck | null;
  model: string | null;
  other: string | null;
  port: string | null;
  firstSeenMs: number;
  lastChangeMs: number;
}

/** How the rack is checked. */
export interface RackTrackerOptions {
  expect: RackExpect;
  serving: 'probe' | 'root' | 'observe';
  /** The serial consoles watched (each joined to one board by the evidence). */
  ports: string[];
}

/**
 * Every board on the link, keyed by MAC, each with its own five-check BootCheck. A DISCOVER starts a new attempt
 * only on evidence of a reboot (see `progressed`); a non-walt client is listed and explained. Consoles join a board
 * by the MAC or IP they show. Pure.
 */
export class RackTracker {
  private readonly rows = new Map<string, Row>();
  private readonly ipToMac = new Map<string, string>();
  private readonly portMac = new Map<string, string>();
  private readonly pending = new Map<string, ConsoleSeen[]>();

  constructor(private readonly options: RackTrackerOptions) {
    for (const p of options.ports) this.pending.set(p, []);
  }

  /** A DHCP packet seen on the link; returns the board events it caused. */
  onDhcp(d: DhcpSeen): RackEvent[] {
    const mac = d.mac.toLowerCase();
    if (d.direction === 'server') {
      if (d.type === 'ACK' && d.yourIp && d.yourIp !== '0.0.0.0') this.ipToMac.set(d.yourIp, mac);
      const row = this.rows.get(mac);
      return row ? this.feed(row, { kind: 'dhcp', d }) : [];
    }
    let row = this.rows.get(mac);
    const events: RackEvent[] = [];
    if (!row) {
      row = { mac, attempts: 1, inputs: [], check: null, model: null, other: null, port: null, firstSeenMs: d.at, lastChangeMs: d.at };
      this.rows.set(mac, row);
      events.push({ kind: 'board-appeared', check: null, board: this.board(row) });
    } else if (d.type === 'DISCOVER' && this.progressed(row)) {
      row.attempts++;
      row.inputs = [];
      row.check = null;
      row.model = null;
      row.lastChangeMs = d.at;
      for (const [ip, m] of this.ipToMac) if (m === mac) this.ipToMac.delete(ip);
      events.push({ kind: 'attempt-started', check: null, board: this.board(row) });
    }
    return [...events, ...this.feed(row, { kind: 'dhcp', d })];
  }

  /** A TFTP request seen on the link (joined to its board by the address the bench gave it). */
  onTftp(t: TftpSeen): RackEvent[] {
    const mac = this.ipToMac.get(t.clientIp);
    const row = mac ? this.rows.get(mac) : undefined;
    if (!row) return [];
    return this.feed(row, { kind: 'tftp', t });
  }

  /** A fact from one serial console: joins the console to its board by evidence, then feeds that board. */
  onConsole(port: string, e: ConsoleSeen): RackEvent[] {
    const joined = this.portMac.get(port);
    if (joined) return this.feed(this.rows.get(joined)!, { kind: 'console', e });
    const buffered = this.pending.get(port);
    if (!buffered) return [];
    buffered.push(e);
    const mac = this.evidenceMac(e);
    const row = mac ? this.rows.get(mac) : undefined;
    if (!row || row.port) return [];
    this.portMac.set(port, row.mac);
    this.pending.delete(port);
    row.port = port;
    const events: RackEvent[] = [{ kind: 'console-joined', check: null, board: this.board(row) }];
    for (const f of buffered) events.push(...this.feed(row, { kind: 'console', e: f }));
    return events;
  }

  /** The time is up: every board still pending fails what it is missing. */
  onTimeout(at: number, seconds: number): RackEvent[] {
    const events: RackEvent[] = [];
    for (const row of this.rows.values()) if (this.board(row).verdict === 'pending') events.push(...this.feed(row, { kind: 'timeout', at, s: seconds }));
    return events;
  }

  /** Every board seen, in the order they appeared. */
  boards(): RackBoard[] {
    return [...this.rows.values()].map((r) => this.board(r));
  }

  /** Consoles and the board each is joined to. */
  consoles(): { port: string; mac: string | null }[] {
    return this.options.ports.map((port) => ({ port, mac: this.portMac.get(port) ?? null }));
  }

  /** True when at least one board was seen and every board has its verdict. */
  allDecided(): boolean {
    const b = this.boards();
    return b.length > 0 && b.every((x) => x.verdict !== 'pending');
  }

  private evidenceMac(e: ConsoleSeen): string | null {
    if (e.kind === 'probe') {
      if (e.mac && this.rows.has(e.mac.toLowerCase())) return e.mac.toLowerCase();
      if (e.ip) return this.ipToMac.get(e.ip) ?? null;
    }
    if (e.kind === 'dhcp-bound' && e.ip) return this.ipToMac.get(e.ip) ?? null;
    return null;
  }

  /**
   * When a DISCOVER starts a new attempt (the board rebooted): only when this attempt already went further than a
   * DHCP exchange can be part of one boot, i.e. the board
   * - downloaded its start file (the transfer check is decided), or ran it (the run check is ok or failed), or
   * - printed a reset on its console (a new banner, `resetting ...`) after this attempt's first DHCP packet.
   * Never on DHCP alone: DISCOVER retransmissions, the REQUEST, WalT's second DHCP round after fit-start.uboot is
   * not found, a Pi EEPROM's retries; nor on a verdict (a wrong model fails at its first DISCOVER, and its
   * second DHCP of the same boot is no reboot).
   */
  private progressed(row: Row): boolean {
    const checks = this.board(row).checks;
    const decided = (id: 'transfer' | 'run'): boolean => checks.some((c) => c.id === id && (c.state === 'ok' || c.state === 'failed'));
    if (decided('transfer') || decided('run')) return true;
    const firstDhcp = row.inputs.find((i): i is Extract<Input, { kind: 'dhcp' }> => i.kind === 'dhcp' && i.d.direction === 'client');
    return firstDhcp !== undefined && row.inputs.some((i) => i.kind === 'console' && i.e.kind === 'reset' && i.e.at > firstDhcp.d.at);
  }

  /** The model this board must send (null: not known yet, for "any" until it sends walt.node.*). */
  private expectedFor(row: Row, d: DhcpSeen | null): string | null {
    const e = this.options.expect;
    switch (e.kind) {
      case 'model':
        return e.model;
      case 'map':
        return e.map[row.mac] ?? null;
      case 'any':
        if (row.model) return row.model;
        if (!d || d.direction !== 'client') return null;
        return identify(d.vendorClass ?? undefined, d.userClass ?? undefined, row.mac).model;
    }
  }

  private feed(row: Row, input: Input): RackEvent[] {
    const before = this.board(row);
    row.inputs.push(input);
    if (input.kind === 'dhcp' && input.d.direction === 'client') {
      const id = identify(input.d.vendorClass ?? undefined, input.d.userClass ?? undefined, row.mac);
      row.other = id.kind === 'other' || id.kind === 'none' ? judgeIdentity(id, this.expectedFor(row, null) ?? '<model>').explanation : null;
      if (row.other && this.options.expect.kind === 'map' && !this.options.expect.map[row.mac]) row.other += ' (and it is not in the expect map)';
    }
    const model = this.expectedFor(row, input.kind === 'dhcp' ? input.d : null);
    if (model !== null && model !== row.model) {
      row.model = model;
      row.check = this.replay(row, model);
    } else if (row.check) {
      this.apply(row.check, input);
    }
    const after = this.board(row);
    return this.diff(row, before, after, input);
  }

  private replay(row: Row, model: string): BootCheck {
    const check = new BootCheck({ expected: model, mac: row.mac, serving: this.options.serving, serial: this.options.ports.length > 0 });
    for (const i of row.inputs) this.apply(check, i);
    return check;
  }

  private apply(check: BootCheck, i: Input): void {
    switch (i.kind) {
      case 'dhcp':
        check.onDhcp(i.d);
        return;
      case 'tftp':
        check.onTftp(i.t);
        return;
      case 'console':
        check.onConsole(i.e);
        return;
      case 'timeout':
        check.onTimeout(i.at, i.s);
        return;
    }
  }

  private diff(row: Row, before: RackBoard, after: RackBoard, input: Input): RackEvent[] {
    const events: RackEvent[] = [];
    for (const id of CHECK_IDS) {
      const a = before.checks.find((c) => c.id === id);
      const b = after.checks.find((c) => c.id === id)!;
      if (!a || a.state !== b.state || a.evidence !== b.evidence) events.push({ kind: 'check-changed', check: id, board: after });
    }
    if (before.verdict !== after.verdict && after.verdict !== 'pending') events.push({ kind: 'verdict', check: null, board: after });
    if (events.length) {
      row.lastChangeMs = atOf(input);
      for (const e of events) e.board = this.board(row);
    }
    return events;
  }

  private board(row: Row): RackBoard {
    const v = row.check?.verdict() ?? null;
    const last = [...row.inputs].reverse().find((i): i is Extract<Input, { kind: 'dhcp' }> => i.kind === 'dhcp' && i.d.direction === 'client');
    const id = last ? identify(last.d.vendorClass ?? undefined, last.d.userClass ?? undefined, row.mac) : null;
    const timedOut = row.inputs.some((i) => i.kind === 'timeout');
    const checks = v?.checks ?? CHECK_IDS.map((cid) => ({ id: cid, title: cid, state: 'pending' as const, evidence: null, at: null }));
    let verdict = v?.verdict ?? 'pending';
    let diagnosis = v?.diagnosis ?? null;
    if (row.other) {
      verdict = 'fail';
      diagnosis = `not a WalT board, so the bench does not answer it: ${row.other}`;
    } else if (!row.check && this.options.expect.kind === 'map') {
      verdict = 'fail';
      diagnosis = `${row.mac} is not in the expect map: add a line "${row.mac},<model>" to check it`;
    } else if (!row.check && timedOut) {
      verdict = 'fail';
      diagnosis = id ? judgeIdentity(id, '<model>').explanation : 'no DHCP class seen from the board';
    }
    return {
      mac: row.mac,
      verdict,
      model: row.model,
      modelSent: id?.model ?? null,
      kind: row.other ? 'other' : 'walt',
      vci: last?.d.vendorClass ?? null,
      uci: last?.d.userClass?.join(',') ?? null,
      ip: v?.ip ?? null,
      files: v?.files ?? [],
      checks,
      diagnosis,
      attempts: row.attempts,
      port: row.port,
      firstSeenMs: row.firstSeenMs,
      lastChangeMs: row.lastChangeMs,
    };
  }
}

function atOf(i: Input): number {
  switch (i.kind) {
    case 'dhcp':
      return i.d.at;
    case 'tftp':
      return i.t.at;
    case 'console':
      return i.e.at;
    case 'timeout':
      return i.at;
  }
}
