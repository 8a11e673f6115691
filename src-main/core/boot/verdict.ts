import type { BootEvent, Loader } from './boot-event.js';
import type { Stage, StageId } from './stages.js';

/** Where a boot ended up: exactly this vocabulary (shared with the fixtures' labels and issue 5's boot check). */
export const OUTCOMES = ['success', 'link-down', 'dhcp-failure', 'tftp-not-found', 'tftp-timeout', 'arp-failure', 'other'] as const;

/** One outcome of the vocabulary. */
export type Outcome = (typeof OUTCOMES)[number];

/** A file the board asked for, and what became of it. */
export interface FileRequest {
  name: string;
  server: string | null;
  /** Bytes received, when the console says. */
  size: number | null;
  status: 'requested' | 'ok' | 'not-found' | 'timeout' | 'error';
  error: string | null;
  cycle: number;
}

/** A step of the boot that counts toward the outcome: a success (a file fetched or further) or a failure. */
export interface Mark {
  type: 'success' | 'failure';
  /** Weak failures (a generic error line, no network device yet) only decide when nothing stronger happened. */
  strong: boolean;
  outcome: Outcome;
  seq: number;
  event: BootEvent;
}

/** The verdict of a boot: outcome, timeline, files, addresses, diagnosis. */
export interface BootVerdict {
  outcome: Outcome;
  /** True when the boot reached its end (login, a reset loop, a failure or success followed by quiet); false while it may still change. */
  final: boolean;
  /** The furthest stage reached in any attempt. */
  furthestStage: StageId | null;
  /** The timeline of the latest attempt. */
  stages: Stage[];
  files: FileRequest[];
  /** The address the board bound, if any. */
  ip: string | null;
  /** The boot server (TFTP/next-server) the board talked to, if any. */
  server: string | null;
  /** The board's MAC address, when the console shows it. */
  mac: string | null;
  loaders: Loader[];
  board: string | null;
  /** Resets seen (a new banner mid-session or `resetting ...`). */
  resets: number;
  resetLoop: boolean;
  /** The model the technician expects (--expect), and the one the probe script reported. */
  expectedModel: string | null;
  reportedModel: string | null;
  /** What happened, in a technician's words, with the WalT-specific hint. */
  diagnosis: string;
  hints: string[];
  /** The console line that decided a failure, if any. */
  decidingLine: string | null;
  lines: number;
}

/**
 * The outcome from the ordered marks: a failure after the last success wins (the boot ended there); otherwise any
 * success wins (a harmless failure followed by success is a success); otherwise the last strong failure, then the
 * last weak one; nothing at all is `other`.
 */
export function decideOutcome(marks: readonly Mark[]): { outcome: Outcome; deciding: Mark | null } {
  let lastSuccess = -1;
  for (const m of marks) if (m.type === 'success') lastSuccess = m.seq;
  const strongAfter = marks.filter((m) => m.type === 'failure' && m.strong && m.seq > lastSuccess);
  if (strongAfter.length > 0) {
    const d = strongAfter[strongAfter.length - 1]!;
    return { outcome: d.outcome, deciding: d };
  }
  if (lastSuccess >= 0) return { outcome: 'success', deciding: marks.find((m) => m.seq === lastSuccess) ?? null };
  const weak = marks.filter((m) => m.type === 'failure');
  if (weak.length > 0) {
    const d = weak[weak.length - 1]!;
    return { outcome: d.outcome, deciding: d };
  }
  return { outcome: 'other', deciding: null };
}

/**
 * The marks of a session that can still decide its outcome: the last success, the last strong failure and the last
 * failure. decideOutcome() over these gives the same answer as over every mark of the session (an older mark of a
 * kind is always outranked by the newer one), so a session of any length keeps at most three.
 */
export class DecidingMarks {
  private lastSuccess: Mark | null = null;
  private lastStrongFailure: Mark | null = null;
  private lastFailure: Mark | null = null;
  private seen = 0;

  /** Marks seen since the start (including the ones no longer kept). */
  get count(): number {
    return this.seen;
  }

  add(mark: Mark): void {
    this.seen += 1;
    if (mark.type === 'success') this.lastSuccess = mark;
    else {
      this.lastFailure = mark;
      if (mark.strong) this.lastStrongFailure = mark;
    }
  }

  /** The kept marks, oldest first, for decideOutcome(). */
  list(): Mark[] {
    const kept: Mark[] = [];
    for (const m of [this.lastSuccess, this.lastStrongFailure, this.lastFailure]) if (m && !kept.includes(m)) kept.push(m);
    return kept.sort((a, b) => a.seq - b.seq);
  }
}

/** The mark an event makes, or null when it does not count toward the outcome. */
export function markOf(e: BootEvent, seq: number, fromEeprom: boolean): Mark | null {
  const outcome = outcomeOf(e, fromEeprom);
  if (outcome === null) return null;
  if (outcome === 'success') return { type: 'success', strong: true, outcome, seq, event: e };
  const weak = WEAK.has(e.kind) || (e.kind === 'tftp-error' && !e.notFound);
  return { type: 'failure', strong: !weak, outcome, seq, event: e };
}

/** Failures that decide only when nothing stronger happened. */
const WEAK = new Set<BootEvent['kind']>(['no-net-device', 'script-error', 'boot-error', 'dhcp-no-server']);

/** The outcome an event points to, or null when it does not count. */
function outcomeOf(e: BootEvent, fromEeprom: boolean): Outcome | null {
  switch (e.kind) {
    case 'tftp-done':
    case 'kernel-start':
    case 'linux-start':
    case 'walt-init':
    case 'login-prompt':
      return 'success';
    case 'tftp-file':
      return fromEeprom ? 'success' : null; // the EEPROM prints no completion line: TFTP_GET after an address is progress
    case 'link-down':
    case 'no-net-device':
      return 'link-down';
    case 'dhcp-failed':
      return 'dhcp-failure';
    case 'tftp-error':
      return e.notFound ? 'tftp-not-found' : 'other';
    case 'tftp-timeout':
      return 'tftp-timeout';
    case 'arp-failed':
      return 'arp-failure';
    case 'kernel-panic':
    case 'script-error':
    case 'boot-error':
    case 'dhcp-no-server':
      return 'other';
    default:
      return null;
  }
}
