import { assertNever } from '../util/assert-never.js';
import type { BootEvent, BootEventKind, EventOf } from './boot-event.js';
import { formatBytes } from '../util/format.js';

/** The rows of the boot timeline, in boot order. */
export const STAGE_IDS = ['power', 'firmware', 'link', 'dhcp', 'transfer', 'script', 'kernel', 'init', 'login'] as const;

/** One row of the timeline. */
export type StageId = (typeof STAGE_IDS)[number];

/** Where a stage stands: not reached, in progress, passed, or failed. */
export type StageState = 'pending' | 'active' | 'done' | 'failed';

/** A timeline row: its state, when it was reached (ms since this attempt's first line) and what it shows. */
export interface Stage {
  id: StageId;
  label: string;
  state: StageState;
  /** Milliseconds from the attempt's first console line to this stage's first event, or null. */
  at: number | null;
  detail: string | null;
  /** The console line that opened the row (its first event), and the one that moved it last. */
  opened: StageLine | null;
  last: StageLine | null;
}

/** A console line a stage points to. */
export interface StageLine {
  line: number;
  t: number;
  text: string;
}

/** A copy of a stage's line with only the StageLine fields (rows may hold a whole event as their line). */
function lineOf(l: StageLine): StageLine {
  return { line: l.line, t: l.t, text: l.text };
}

/** Human labels of the stages. */
export const STAGE_LABELS: Record<StageId, string> = {
  power: 'Power-on (first output)',
  firmware: 'Bootloader',
  link: 'Ethernet link',
  dhcp: 'DHCP address',
  transfer: 'Boot file (TFTP/HTTP)',
  script: 'Boot script',
  kernel: 'Kernel',
  init: 'walt-init',
  login: 'Login prompt',
};

const STAGE_RANK = Object.fromEntries(STAGE_IDS.map((id, rank) => [id, rank])) as Record<StageId, number>;

/** The ranks of the rows the events move, as numbers: a row looked up by its name costs more than the move itself. */
const POWER = STAGE_RANK.power;
const FIRMWARE = STAGE_RANK.firmware;
const LINK = STAGE_RANK.link;
const DHCP = STAGE_RANK.dhcp;
const TRANSFER = STAGE_RANK.transfer;
const SCRIPT = STAGE_RANK.script;
const KERNEL = STAGE_RANK.kernel;
const INIT = STAGE_RANK.init;
const LOGIN = STAGE_RANK.login;
/** Row states as bits of `active`: the rows that are active now (closeBefore looks at these only). */
const bit = (rank: number): number => 1 << rank;

/** The rank of a stage in boot order. */
export function stageRank(id: StageId): number {
  return STAGE_RANK[id];
}

/**
 * The stages of one boot attempt as a state machine: each event moves one row (pending -> active -> done/failed;
 * a failed row becomes active or done again when the board retries and succeeds). Reaching a later row closes the
 * active rows before it.
 */
export class StageTracker {
  private readonly rows: Stage[];
  private origin: number;
  /** The rank of the furthest row reached (rows never go back to pending), or -1. */
  private reached = -1;
  /**
   * The event being applied: the rows it moves keep it as their `opened`/`last` line (an event has the fields of a
   * StageLine; snapshot() copies just those), which saves a line object per event.
   */
  private by: BootEvent | null = null;
  /** The rows now active, as bit(rank): reaching a later row closes these. */
  private active = 0;

  constructor(origin: number) {
    this.origin = origin;
    this.rows = STAGE_IDS.map((id) => ({ id, label: STAGE_LABELS[id], state: 'pending', at: null, detail: null, opened: null, last: null }));
  }

  /** Starts over for a new boot attempt whose first line came at `origin`: every row pending again. */
  restart(origin: number): void {
    this.origin = origin;
    this.reached = -1;
    this.by = null;
    this.active = 0;
    for (const r of this.rows) {
      r.state = 'pending';
      r.at = null;
      r.detail = null;
      r.opened = null;
      r.last = null;
    }
  }

  /** A copy of the rows. */
  snapshot(): Stage[] {
    return this.rows.map((r) => ({ ...r, opened: r.opened && lineOf(r.opened), last: r.last && lineOf(r.last) }));
  }

  /** The furthest row that was reached (active, done or failed), or null. */
  furthest(): StageId | null {
    return this.reached < 0 ? null : STAGE_IDS[this.reached]!;
  }

  /** The rank of the furthest row that was reached, or -1. */
  furthestRank(): number {
    return this.reached;
  }

  /** Marks the first output of the attempt. */
  power(t: number, line: StageLine | null = null): boolean {
    return this.move(POWER, 'done', t, null, line);
  }

  /**
   * Applies one event of `kind` (the caller read it already: events come in many shapes, and a field common to all
   * of them is a slow read); returns true when a row changed.
   */
  apply(event: BootEvent, kind: BootEventKind = event.kind): boolean {
    this.by = event;
    switch (kind) {
      case 'banner': {
        const e = event as EventOf<'banner'>;
        return this.move(FIRMWARE, 'done', e.t, e.version ? `${e.loader} ${e.version}` : e.loader);
      }
      case 'board': {
        const e = event as EventOf<'board'>;
        return this.move(FIRMWARE, 'done', e.t, e.name);
      }
      case 'autoboot': {
        const e = event as EventOf<'autoboot'>;
        return this.move(FIRMWARE, 'done', e.t, null);
      }
      case 'net-device': {
        const e = event as EventOf<'net-device'>;
        return this.move(LINK, this.state(LINK) === 'done' ? 'done' : 'active', e.t, e.device);
      }
      case 'no-net-device': {
        const e = event as EventOf<'no-net-device'>;
        return this.move(LINK, 'active', e.t, 'no network device yet');
      }
      case 'link-wait': {
        const e = event as EventOf<'link-wait'>;
        return this.move(LINK, 'active', e.t, e.mac ? `waiting for link (${e.mac})` : 'waiting for link');
      }
      case 'link-up': {
        const e = event as EventOf<'link-up'>;
        return this.move(LINK, 'done', e.t, e.detail ? `up, ${e.detail}` : 'up');
      }
      case 'link-down': {
        const e = event as EventOf<'link-down'>;
        return this.move(LINK, 'failed', e.t, e.reason);
      }
      case 'dhcp-request': {
        const e = event as EventOf<'dhcp-request'>;
        return this.move(DHCP, this.state(DHCP) === 'done' ? 'done' : 'active', e.t, e.attempt ? `BOOTP broadcast ${e.attempt}` : e.iface ? `${e.iface} ${e.mac ?? ''}`.trim() : 'requesting');
      }
      case 'dhcp-bound': {
        const e = event as EventOf<'dhcp-bound'>;
        return this.move(DHCP, 'done', e.t, e.ip ? `${e.ip}${e.server ? ` from ${e.server}` : ''}` : 'bound');
      }
      case 'dhcp-failed': {
        const e = event as EventOf<'dhcp-failed'>;
        return this.move(DHCP, 'failed', e.t, e.reason);
      }
      case 'dhcp-no-server': {
        const e = event as EventOf<'dhcp-no-server'>;
        return this.move(DHCP, 'done', e.t, 'bound, but the answer named no TFTP server');
      }
      case 'tftp-start': {
        const e = event as EventOf<'tftp-start'>;
        return this.move(TRANSFER, 'active', e.t, `from ${e.server}`);
      }
      case 'tftp-file': {
        const e = event as EventOf<'tftp-file'>;
        return this.move(TRANSFER, 'active', e.t, e.file);
      }
      case 'tftp-progress':
        return false;
      case 'tftp-done': {
        const e = event as EventOf<'tftp-done'>;
        return this.move(TRANSFER, 'done', e.t, `${e.file ?? 'file'}${e.bytes === null ? '' : ` (${formatBytes(e.bytes)})`}`);
      }
      case 'tftp-error': {
        const e = event as EventOf<'tftp-error'>;
        return this.move(TRANSFER, 'failed', e.t, `${e.message}${e.code === null ? '' : ` (${e.code})`}`);
      }
      case 'tftp-timeout': {
        const e = event as EventOf<'tftp-timeout'>;
        return this.move(TRANSFER, 'failed', e.t, 'timed out (Retry count exceeded)');
      }
      case 'arp-failed': {
        const e = event as EventOf<'arp-failed'>;
        return this.move(TRANSFER, 'failed', e.t, 'ARP: the server never answered');
      }
      case 'script-exec': {
        const e = event as EventOf<'script-exec'>;
        return this.move(SCRIPT, 'done', e.t, e.address ? `at ${e.address}` : null);
      }
      case 'script-error': {
        const e = event as EventOf<'script-error'>;
        return this.move(SCRIPT, 'failed', e.t, e.message);
      }
      case 'boot-error':
        return false;
      case 'kernel-load':
      case 'kernel-start': {
        const e = event as EventOf<'kernel-load' | 'kernel-start'>;
        return this.move(KERNEL, 'active', e.t, e.how);
      }
      case 'linux-start': {
        const e = event as EventOf<'linux-start'>;
        return this.move(KERNEL, 'done', e.t, e.version ? `Linux ${e.version}` : 'Linux');
      }
      case 'kernel-panic': {
        const e = event as EventOf<'kernel-panic'>;
        return this.move(KERNEL, 'failed', e.t, `panic: ${e.message}`);
      }
      case 'walt-init': {
        const e = event as EventOf<'walt-init'>;
        return this.move(INIT, 'active', e.t, e.step);
      }
      case 'login-prompt': {
        const e = event as EventOf<'login-prompt'>;
        return this.move(LOGIN, 'done', e.t, `${e.host} login:`);
      }
      case 'reset':
      case 'reset-loop':
      case 'probe':
        return false;
      default:
        return assertNever(kind, 'boot event kind');
    }
  }

  private state(rank: number): StageState {
    return this.rows[rank]!.state;
  }

  /** Moves one row; returns true when its state, detail or time changed (the rows it closes do not count). */
  private move(rank: number, state: StageState, t: number, detail: string | null, line: StageLine | null = this.by): boolean {
    const row = this.rows[rank]!;
    let changed = false;
    if (row.at === null) {
      row.at = Math.max(0, t - this.origin);
      changed = true;
    }
    if (line) {
      row.opened ??= line;
      row.last = line;
    }
    // a retry after a failure shows as active again; done stays done unless it fails
    if (!(row.state === 'done' && state === 'active') && row.state !== state) {
      row.state = state;
      if (state === 'active') this.active |= bit(rank);
      else this.active &= ~bit(rank);
      changed = true;
    }
    if (detail !== null && detail !== row.detail) {
      row.detail = detail;
      changed = true;
    }
    if (rank > this.reached) this.reached = rank;
    if (state === 'active' || state === 'done') this.closeBefore(rank, t);
    return changed;
  }

  /** Reaching a later stage means the active ones before it passed. */
  private closeBefore(rank: number, t: number): void {
    // most moves find nothing to close: no active row before this one, and the power row done
    if ((this.active & (bit(rank) - 1)) === 0 && (rank === 0 || this.rows[0]!.state !== 'pending')) return;
    this.active &= ~(bit(rank) - 1);
    for (let i = 0; i < rank; i += 1) {
      const r = this.rows[i]!;
      if (r.state === 'active') r.state = 'done';
      if (i === 0 && r.state === 'pending') {
        r.state = 'done';
        r.at = Math.max(0, t - this.origin);
      }
    }
  }
}
