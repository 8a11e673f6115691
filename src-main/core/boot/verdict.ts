import type { BootEvent, EventOf, Loader } from './boot-event.js';
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
  /**
   * `firm`: a failure the console states (a timeout, a not-found). `tentative`: a guess (no data when the log ends,
   * requests not yet answered, a generic word): like firm, but the verdict it decides has low confidence. `weak`: an
   * error that is usually a consequence (a missing image after a failed load, no network device yet): it decides
   * only when no firm or tentative failure came after the last success.
   */
  strength: 'firm' | 'tentative' | 'weak';
  outcome: Outcome;
  seq: number;
  event: BootEvent;
}

/** A console line shown as evidence: where it is in the log and what it says. */
export interface EvidenceLine {
  line: number;
  t: number;
  text: string;
  /** `decided`: the line that decided the outcome; `opened`: the line that opened the stage it ended. */
  role: 'decided' | 'opened';
}

/** How sure a verdict is: `low` when it rests on a guess (a tentative failure, generic words, nothing at all). */
export type Confidence = 'high' | 'low';

/** The verdict of a boot: outcome, timeline, files, addresses, diagnosis. */
export interface BootVerdict {
  outcome: Outcome;
  confidence: Confidence;
  /** The lines that decided the outcome (empty when nothing did). */
  evidence: EvidenceLine[];
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
 * The outcome from the ordered marks: the boot ended at the last firm or tentative failure after the last success
 * (or, without one, at the last weak failure after it: rule 2 of the labels, a later failure that ends the log
 * decides); otherwise a success wins (a harmless failure followed by success is a success); nothing at all is
 * `other`.
 */
export function decideOutcome(marks: readonly Mark[]): { outcome: Outcome; deciding: Mark | null } {
  let lastSuccess = -1;
  for (const m of marks) if (m.type === 'success') lastSuccess = m.seq;
  let firm: Mark | null = null;
  let weak: Mark | null = null;
  for (const m of marks) {
    if (m.type !== 'failure' || m.seq <= lastSuccess) continue;
    if (m.strength === 'weak') weak = m;
    else firm = m;
  }
  const d = firm ?? weak;
  if (d) return { outcome: d.outcome, deciding: d };
  if (lastSuccess >= 0) return { outcome: 'success', deciding: marks.find((m) => m.seq === lastSuccess) ?? null };
  return { outcome: 'other', deciding: null };
}

/** A verdict's confidence: low when a tentative failure decided it, or nothing did. */
export function confidenceOf(deciding: Mark | null): Confidence {
  return !deciding || deciding.strength === 'tentative' ? 'low' : 'high';
}

/**
 * The marks of a session that can still decide its outcome: the last success, the last firm-or-tentative failure
 * and the last weak one. decideOutcome() over these gives the same answer as over every mark of the session (an
 * older mark of a kind is always outranked by the newer one), so a session of any length keeps at most three.
 */
export class DecidingMarks {
  private lastSuccess: Mark | null = null;
  private lastFirm: Mark | null = null;
  private lastWeak: Mark | null = null;
  private seen = 0;

  /** Marks seen since the start (including the ones no longer kept). */
  get count(): number {
    return this.seen;
  }

  add(mark: Mark): void {
    this.seen += 1;
    if (mark.type === 'success') this.lastSuccess = mark;
    else if (mark.strength === 'weak') this.lastWeak = mark;
    else this.lastFirm = mark;
  }

  /** The kept marks, oldest first, for decideOutcome(). */
  list(): Mark[] {
    const kept: Mark[] = [];
    for (const m of [this.lastSuccess, this.lastFirm, this.lastWeak]) if (m) kept.push(m);
    return kept.sort((a, b) => a.seq - b.seq);
  }
}

/** The mark an event makes, or null when it does not count toward the outcome (`kind`: the event's, read once). */
export function markOf(e: BootEvent, kind: BootEvent['kind'], seq: number, fromEeprom: boolean): Mark | null {
  const outcome = outcomeOf(e, kind, fromEeprom);
  if (outcome === null) return null;
  if (outcome === 'success') return { type: 'success', strength: 'firm', outcome, seq, event: e };
  const tentative = (e as { tentative?: boolean }).tentative === true;
  const weak = isWeak(kind) || (kind === 'tftp-error' && !(e as EventOf<'tftp-error'>).notFound && (e as EventOf<'tftp-error'>).code === null && !tentative);
  return { type: 'failure', strength: tentative ? 'tentative' : weak ? 'weak' : 'firm', outcome, seq, event: e };
}

/** Failures that decide only when nothing stronger happened. */
function isWeak(kind: BootEvent['kind']): boolean {
  return kind === 'no-net-device' || kind === 'script-error' || kind === 'boot-error' || kind === 'dhcp-no-server';
}

/** The outcome an event of `kind` points to, or null when it does not count. */
function outcomeOf(e: BootEvent, kind: BootEvent['kind'], fromEeprom: boolean): Outcome | null {
  switch (kind) {
    case 'tftp-done':
    case 'kernel-load':
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
      return (e as EventOf<'tftp-error'>).notFound ? 'tftp-not-found' : 'other';
    case 'tftp-timeout':
      return 'tftp-timeout';
    case 'arp-failed':
      return 'arp-failure';
    case 'kernel-panic':
      return null; // the kernel ran: a panic does not undo a network boot (rule 1)
    case 'script-error':
    case 'boot-error':
    case 'dhcp-no-server':
      return 'other';
    default:
      return null;
  }
}
