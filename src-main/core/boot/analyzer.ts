import type { BootEvent, BootEventBody, BootEventKind, EventOf, Loader } from './boot-event.js';
import { diagnose } from './diagnosis.js';
import { EventLog, MAX_LISTED_EVENTS } from './event-log.js';
import { type ConsoleLine, LineDecoder } from './line-decoder.js';
import { LatestItems } from './latest-items.js';
import { LineClassifier } from './line-classifier.js';
import { placedEvent } from './placed-event.js';
import type { Pattern } from './pattern.js';
import { STAGE_IDS, type Stage, type StageId, StageTracker, stageRank } from './stages.js';
import { type BootVerdict, confidenceOf, decideOutcome, DecidingMarks, type EvidenceLine, type FileRequest, type Mark, markOf } from './verdict.js';

/** Options of a BootAnalyzer. */
export interface AnalyzerOptions {
  /** The node model the technician expects (any string, e.g. rpi-3-b-plus): tailors the hints. */
  expectedModel?: string | null;
  /** Quiet time after which a failure or a success is final, live (ms; default 3000). */
  settleMs?: number;
  /** Resets that make a reset loop (default 2). */
  loopResets?: number;
  /** Longest line kept whole (bytes). */
  maxLine?: number;
  /** A faster UTF-8 decoder from the platform (the services pass Buffer's); default TextDecoder. */
  decodeText?: (bytes: Uint8Array) => string;
}

/** What one push() produced. */
export interface AnalyzerUpdate {
  lines: ConsoleLine[];
  /** The events, read-only: the timeline's rows keep these objects (their snapshots copy them). */
  events: BootEvent[];
  /** True when a timeline row changed. */
  stagesChanged: boolean;
}

/**
 * How far each loader sits in the boot chain: a banner at or below the level already reached is a reset. In half
 * steps (`other` sits between U-Boot SPL and U-Boot): whole numbers keep the analyzer's level a small integer.
 */
const LOADER_LEVEL: Record<Loader, number> = {
  'rpi-eeprom': 0,
  'pi3-bootcode': 0,
  'uefi-pxe': 0,
  'u-boot-spl': 2,
  'u-boot': 4,
  ipxe: 4,
  other: 3,
  grub: 5,
  pxelinux: 5,
};
const KERNEL_LEVEL = 6;
/** One bit per loader, for the loaders of the current attempt (a number: a new attempt costs no allocation). */
const LOADER_BIT: Record<Loader, number> = {
  'rpi-eeprom': 1,
  'pi3-bootcode': 2,
  'uefi-pxe': 4,
  'u-boot-spl': 8,
  'u-boot': 16,
  ipxe: 32,
  other: 64,
  grub: 128,
  pxelinux: 256,
};
const KERNEL_STAGE = stageRank('kernel');
/** Words of a failure in a line no pattern read: after a success that did not reach a kernel, the verdict is unsure. */
const UNREAD_ERROR = /\berror\b|\bfail(?:s|ed|ure)?\b|\brescue\b/i;

/**
 * Bounds on the session history, so a board left in a reset loop for days keeps a constant memory and a cheap
 * verdict: the latest file requests (a WalT boot asks for 2 to 6 per attempt; the verdict lists these) and the latest
 * weak failures (notes, for the hints). The marks that decide the outcome need no bound (DecidingMarks keeps three).
 */
export const MAX_FILES = 64;
export const MAX_NOTES = 16;

/** What verdict() computes from the session's facts, kept until the session changes. */
interface Summary {
  /** The session's change count and line count it was computed at. */
  changes: number;
  lines: number;
  outcome: BootVerdict['outcome'];
  deciding: Mark | null;
  diagnosis: string;
  hints: string[];
}

/**
 * The boot analyzer: bytes -> lines (LineDecoder) -> events (LineClassifier) -> stages (StageTracker, one per boot
 * attempt) -> verdict. Pure: time comes in with every call. A new bootloader banner mid-session, `resetting ...` or
 * a kernel restart starts a new attempt (a reset); `loopResets` resets make a reset loop.
 */
export class BootAnalyzer {
  private readonly decoder: LineDecoder;
  private readonly classifier: LineClassifier;
  private readonly settleMs: number;
  private readonly loopResets: number;
  private readonly expectedModel: string | null;
  private stages: StageTracker | null = null;
  private cycle = 0;
  private level = -1;
  private chained = false;
  private afterResetCommand = false;
  private resets = 0;
  private loopAnnounced = false;
  private seq = 0;
  private lineCount = 0;
  private lastLineAt: number | null = null;
  private pendingPromptLine = '';
  private readonly marks = new DecidingMarks();
  private lastMark: Mark | null = null;
  private readonly files = new LatestItems<FileRequest>(MAX_FILES);
  private readonly loaders = new Set<Loader>();
  private readonly notes = new LatestItems<BootEvent>(MAX_NOTES);
  private furthest: StageId | null = null;
  /** The rank of `furthest` (-1 for none). */
  private furthestRank = -1;
  private ip: string | null = null;
  private server: string | null = null;
  private mac: string | null = null;
  private board: string | null = null;
  private probe: Extract<BootEvent, { kind: 'probe' }> | null = null;
  private lastWaltStep: string | null = null;
  private login: string | null = null;
  /** The loaders of the current attempt, as LOADER_BIT bits. */
  private cycleLoaders = 0;
  /** The loaders of the session, as LOADER_BIT bits (the `loaders` set keeps their order). */
  private sessionLoaders = 0;
  /** A line no pattern read that holds failure words, after the latest success and before any kernel; or null. */
  private unreadError: string | null = null;
  /** Whether an unread line may become `unreadError` (none kept, after a success, before any kernel): kept per event, read per line. */
  private watchingUnread = false;
  /** Bumped by every event recorded: the cached summary is valid while it and the line count stay the same. */
  private changes = 0;
  private summary: Summary | null = null;

  /** `keep` limits the pattern tables (the held-out evaluation); omit it. */
  constructor(options: AnalyzerOptions = {}, keep?: (p: Pattern) => boolean) {
    this.classifier = new LineClassifier(keep);
    this.decoder = new LineDecoder(options.maxLine, options.decodeText);
    this.settleMs = options.settleMs ?? 3000;
    this.loopResets = options.loopResets ?? 2;
    this.expectedModel = options.expectedModel ?? null;
  }

  /** Feeds bytes that arrived at `now` (ms). */
  push(chunk: Uint8Array, now: number): AnalyzerUpdate {
    return this.consume(this.decoder.push(chunk, now), chunk);
  }

  /** Ends the stream (a captured log's end): the unfinished last line counts. */
  end(now: number): AnalyzerUpdate {
    return this.consume(this.decoder.end(now));
  }

  /** Looks at the unfinished line (a `login:` prompt waits without a newline); call it when the port goes quiet. */
  idle(now: number): AnalyzerUpdate {
    const pending = this.decoder.pending();
    if (pending === this.pendingPromptLine) return { lines: [], events: [], stagesChanged: false };
    this.pendingPromptLine = pending;
    const body = this.classifier.promptIn(pending);
    if (!body || this.login) return { lines: [], events: [], stagesChanged: false };
    const line: ConsoleLine = { n: this.lineCount + 1, t: now, text: pending, continued: false };
    const events: BootEvent[] = [];
    const changed = this.record(body, line, events);
    return { lines: [], events, stagesChanged: changed };
  }

  /** The timeline of the current attempt. */
  currentStages(): Stage[] {
    return this.stages?.snapshot() ?? new StageTracker(0).snapshot();
  }

  /** The verdict so far; `now` decides whether a live boot has settled (omit it for a finished log). */
  verdict(now?: number): BootVerdict {
    const { outcome, deciding, diagnosis, hints } = this.summarize();
    const stages = this.currentStages();
    const unsure = outcome === 'success' && this.unreadError !== null;
    return {
      outcome,
      confidence: unsure ? 'low' : confidenceOf(deciding),
      evidence: evidenceOf(deciding, stages),
      final: this.isFinal(outcome, deciding, now),
      furthestStage: this.furthest,
      stages,
      files: this.files.list().map((f) => ({ ...f })),
      ip: this.ip,
      server: this.server,
      mac: this.mac,
      loaders: [...this.loaders],
      board: this.board,
      resets: this.resets,
      resetLoop: this.loopAnnounced,
      expectedModel: this.expectedModel,
      reportedModel: this.probe?.model ?? null,
      diagnosis,
      hints: unsure ? [...hints, `The log goes on after the last step read with an error no pattern knows: "${this.unreadError!}"; the boot may have stopped there.`] : [...hints],
      decidingLine: outcome === 'success' ? null : (deciding?.event.text ?? null),
      lines: this.lineCount,
    };
  }

  /** Outcome and diagnosis, recomputed only when an event or a line came in since the last call. */
  private summarize(): Summary {
    const s = this.summary;
    if (s && s.changes === this.changes && s.lines === this.lineCount) return s;
    const { outcome, deciding } = decideOutcome(this.marks.list());
    const { diagnosis, hints } = diagnose({
      outcome,
      deciding,
      files: this.files.list(),
      ip: this.ip,
      server: this.server,
      loaders: [...this.loaders],
      furthest: this.furthest,
      resets: this.resets,
      resetLoop: this.loopAnnounced,
      expectedModel: this.expectedModel,
      probe: this.probe,
      lastWaltStep: this.lastWaltStep,
      login: this.login,
      lines: this.lineCount,
      notes: this.notes.list(),
    });
    this.summary = { changes: this.changes, lines: this.lineCount, outcome, deciding, diagnosis, hints };
    return this.summary;
  }

  /** Whether a live boot reached its end at `now`; a finished log (no `now`) always is. */
  private isFinal(outcome: BootVerdict['outcome'], deciding: Mark | null, now: number | undefined): boolean {
    if (now === undefined) return true;
    if (this.login || this.loopAnnounced) return true;
    if (this.lastLineAt === null || this.marks.count === 0) return false;
    if (outcome !== 'success' && deciding && this.cycle > deciding.event.cycle) return true;
    return now - this.lastLineAt >= this.settleMs;
  }

  /** `chunk`: the bytes the lines were decoded from (the decoder's spans of its fast lines point into it). */
  private consume(lines: ConsoleLine[], chunk?: Uint8Array): AnalyzerUpdate {
    const events: BootEvent[] = [];
    let changed = false;
    const spans = chunk === undefined ? null : this.decoder.spans;
    for (let i = 0; i < lines.length; i += 1) {
      const line = lines[i]!;
      this.lineCount = line.n;
      this.lastLineAt = line.t;
      this.pendingPromptLine = '';
      if (!this.stages) {
        this.stages = new StageTracker(line.t);
        changed = this.stages.power(line.t, { line: line.n, t: line.t, text: line.text }) || changed;
      }
      const from = spans === null ? -1 : spans[2 * i]!;
      const bodies = from >= 0 ? this.classifier.classify(line.text, chunk, from, spans![2 * i + 1]!) : this.classifier.classify(line.text);
      const n = bodies.length;
      if (n === 0) {
        if (this.watchingUnread) this.noteUnread(line.text);
        continue;
      }
      for (let k = 0; k < n; k += 1) changed = this.record(bodies[k]!, line, events) || changed;
    }
    return { lines, events, stagesChanged: changed };
  }

  /** Keeps the first line holding failure words that no pattern read, after a success and before any kernel. */
  private noteUnread(text: string): void {
    if (!UNREAD_ERROR.test(text)) return;
    this.unreadError = text.trim();
    this.watchingUnread = false;
  }

  /** Places one event: resets first, then files, facts, marks and stages. */
  private record(body: BootEventBody, line: ConsoleLine, events: BootEvent[]): boolean {
    this.changes += 1;
    this.unreadError = null;
    let changed = false;
    // events come in many shapes (a property read on one is slow): the kind is read once and passed along
    const kind = body.kind;
    switch (kind) {
      case 'banner':
        changed = this.onBanner(body.loader, line, events);
        break;
      case 'kernel-start':
      case 'linux-start':
        this.level = Math.max(this.level, KERNEL_LEVEL);
        break;
      case 'kernel-load':
        this.level = Math.max(this.level, LOADER_LEVEL['u-boot']);
        break;
      case 'tftp-done':
        if ((this.cycleLoaders & LOADER_BIT.ipxe) !== 0) this.chained = true;
        break;
      default:
        break;
    }
    const e = this.place(body, line);
    events.push(e);
    this.facts(e, kind);
    const fromEeprom = kind === 'tftp-file' && (this.cycleLoaders & (LOADER_BIT['rpi-eeprom'] | LOADER_BIT['u-boot'])) === LOADER_BIT['rpi-eeprom'];
    const mark = this.addMark(e, kind, fromEeprom);
    if ((mark !== null && mark.strength === 'weak' && mark.type === 'failure') || kind === 'kernel-panic') this.notes.push(e);
    changed = this.stages!.apply(e, kind) || changed;
    this.noteFurthest();
    if (kind === 'reset') changed = this.newCycle(line, events, (e as Extract<BootEvent, { kind: 'reset' }>).reason === 'reset-command') || changed;
    this.watchingUnread = this.lastMark !== null && this.lastMark.type === 'success' && this.furthestRank < KERNEL_STAGE;
    return changed;
  }

  /** A banner at or below the level reached in this attempt (and not an iPXE chainload) means the board reset. */
  private onBanner(loader: Loader, line: ConsoleLine, events: BootEvent[]): boolean {
    const level = LOADER_LEVEL[loader];
    let changed = false;
    const chainload = loader === 'ipxe' && this.chained;
    if (!this.afterResetCommand && this.level >= level && !chainload && this.level >= 0) {
      const reset = this.place({ kind: 'reset', reason: 'new-banner' }, line);
      events.push(reset);
      changed = this.newCycle(line, events, false);
    }
    this.afterResetCommand = false;
    this.chained = false;
    this.level = Math.max(this.level, level);
    const bit = LOADER_BIT[loader];
    this.cycleLoaders |= bit;
    if ((this.sessionLoaders & bit) === 0) {
      this.sessionLoaders |= bit;
      this.loaders.add(loader);
    }
    return changed;
  }

  private newCycle(line: ConsoleLine, events: BootEvent[], byCommand: boolean): boolean {
    this.resetWhileLoading(line, events);
    this.resets += 1;
    this.cycle += 1;
    this.level = -1;
    this.chained = false;
    this.afterResetCommand = byCommand;
    this.cycleLoaders = 0;
    this.classifier.newCycle();
    this.stages!.restart(line.t); // a new attempt's rows: the old ones were only ever handed out as copies
    this.stages!.power(line.t, { line: line.n, t: line.t, text: line.text });
    if (this.resets >= this.loopResets && !this.loopAnnounced) {
      this.loopAnnounced = true;
      events.push(this.place({ kind: 'reset-loop', resets: this.resets }, line));
    }
    return true;
  }

  /** A reset right after U-Boot began booting an image (before `Starting kernel`): the image crashed the board. */
  private resetWhileLoading(line: ConsoleLine, events: BootEvent[]): void {
    const last = this.lastMark;
    if (!last || last.type !== 'success' || last.event.kind !== 'kernel-load' || last.event.cycle !== this.cycle) return;
    const e = this.place({ kind: 'boot-error', message: `the board reset while booting the image (${last.event.how}), before "Starting kernel"` }, line);
    events.push(e);
    this.addMark(e, 'boot-error', false);
  }

  /** The mark an event makes (if any), kept for the outcome. */
  private addMark(e: BootEvent, kind: BootEvent['kind'], fromEeprom: boolean): Mark | null {
    const mark = markOf(e, kind, (this.seq += 1), fromEeprom);
    if (mark) {
      this.marks.add(mark);
      this.lastMark = mark;
    }
    return mark;
  }

  private place(body: BootEventBody, line: ConsoleLine): BootEvent {
    return placedEvent(body, line.t, line.n, this.cycle, line.text);
  }

  private noteFurthest(): void {
    const rank = this.stages!.furthestRank();
    if (rank > this.furthestRank) {
      this.furthestRank = rank;
      this.furthest = STAGE_IDS[rank]!;
    }
  }

  /**
   * Keeps the session facts: files, address, server, MAC, board, probe, walt-init step, login. Switches on the kind
   * record() read (events come in many shapes: each read of a field common to all of them is a slow look-up).
   */
  private facts(event: BootEvent, kind: BootEventKind): void {
    switch (kind) {
      case 'tftp-file': {
        const e = event as EventOf<'tftp-file'>;
        const last = this.files.fromEnd(0);
        if (last && last.name === e.file && last.status === 'requested' && last.cycle === e.cycle) return;
        this.files.push({ name: e.file, server: e.server, size: null, status: 'requested', error: null, cycle: e.cycle });
        if (e.server) this.server = e.server;
        return;
      }
      case 'tftp-done': {
        const e = event as EventOf<'tftp-done'>;
        const f = this.findFile(e.file, false);
        if (f) {
          f.status = 'ok';
          if (e.bytes !== null) f.size = e.bytes;
        } else if (e.file) {
          this.files.push({ name: e.file, server: this.server, size: e.bytes, status: 'ok', error: null, cycle: e.cycle });
        }
        return;
      }
      case 'tftp-error': {
        const e = event as EventOf<'tftp-error'>;
        const f = this.findFile(null, true);
        if (f) {
          f.status = e.notFound ? 'not-found' : 'error';
          f.error = e.message;
        }
        return;
      }
      case 'tftp-timeout':
      case 'arp-failed': {
        if (kind === 'tftp-timeout' && (event as EventOf<'tftp-timeout'>).tentative) return; // a guess: the file may still come or fail otherwise
        const f = this.findFile(null, true);
        if (f) {
          f.status = kind === 'arp-failed' ? 'error' : 'timeout';
          f.error = kind === 'arp-failed' ? 'ARP Retry count exceeded' : 'Retry count exceeded';
        }
        return;
      }
      case 'dhcp-bound': {
        const e = event as EventOf<'dhcp-bound'>;
        if (e.ip) this.ip = e.ip;
        if (e.server) this.server = e.server;
        return;
      }
      case 'tftp-start': {
        const e = event as EventOf<'tftp-start'>;
        this.server = e.server;
        if (e.ip) this.ip = e.ip;
        return;
      }
      case 'link-wait':
      case 'dhcp-request': {
        const mac = (event as EventOf<'link-wait' | 'dhcp-request'>).mac;
        if (mac) this.mac = mac;
        return;
      }
      case 'board':
        this.board = (event as EventOf<'board'>).name;
        return;
      case 'probe': {
        const e = event as EventOf<'probe'>;
        this.probe = e;
        if (e.mac) this.mac = e.mac;
        if (e.ip) this.ip = e.ip;
        return;
      }
      case 'walt-init':
        this.lastWaltStep = (event as EventOf<'walt-init'>).step;
        return;
      case 'login-prompt':
        this.login = `${(event as EventOf<'login-prompt'>).host} login:`;
        return;
      default:
        return;
    }
  }

  /** The latest file named `name` (any name for null) still requested, or also done when not `requestedOnly`. */
  private findFile(name: string | null, requestedOnly: boolean): FileRequest | null {
    for (let back = 0; back < this.files.length; back += 1) {
      const f = this.files.fromEnd(back)!;
      if ((name === null || f.name === name) && (f.status === 'requested' || (!requestedOnly && f.status === 'ok'))) return f;
    }
    return null;
  }
}

/**
 * The lines behind a verdict: the one that decided it and, when the deciding event ended a stage of the latest
 * attempt, the line that opened that stage (the `Filename` line of a transfer that timed out).
 */
function evidenceOf(deciding: Mark | null, stages: readonly Stage[]): EvidenceLine[] {
  if (!deciding) return [];
  const e = deciding.event;
  const out: EvidenceLine[] = [];
  const stage = stages.find((s) => s.last?.line === e.line && s.opened && s.opened.line !== e.line);
  if (stage?.opened) out.push({ ...stage.opened, role: 'opened' });
  out.push({ line: e.line, t: e.t, text: e.text, role: 'decided' });
  return out;
}

/** Bytes fed to the analyzer at a time by analyzeLog (the decoder's cost does not depend on it; memory does). */
const ANALYZE_CHUNK = 1 << 16;

/** The result of a whole captured log: the listed events (bounded), how many were seen and dropped, the verdict. */
export interface LogAnalysisResult {
  events: BootEvent[];
  /** Every event the log produced (the verdict used them all). */
  eventCount: number;
  /** Events between the first and the latest ones that `events` does not list. */
  eventsDropped: number;
  verdict: BootVerdict;
  /** The decoded lines, numbered as the events' lines (the first `maxLines` asked for; none by default). */
  lines: { n: number; text: string }[];
  /** Decoded lines left out after those. */
  linesCut: number;
}

/**
 * A captured log analysed chunk by chunk (the services stream files through it): memory stays bounded whatever the
 * size of the log (lines are cut at `maxLine`, the listed events are capped by EventLog).
 */
export class LogAnalysis {
  private readonly analyzer: BootAnalyzer;
  private readonly events: EventLog;
  private readonly lines: { n: number; text: string }[] = [];
  private linesCut = 0;

  /** `maxLines`: how many decoded lines to keep for the caller (a viewer of the whole text); 0 keeps none. */
  constructor(options: AnalyzerOptions = {}, keep?: (p: Pattern) => boolean, maxEvents = MAX_LISTED_EVENTS, private readonly maxLines = 0) {
    this.analyzer = new BootAnalyzer(options, keep);
    this.events = new EventLog(maxEvents);
  }

  /** Feeds the next chunk of the log. */
  push(chunk: Uint8Array): void {
    this.take(this.analyzer.push(chunk, 0));
  }

  /** Ends the log (its unfinished last line counts) and returns the result. */
  finish(): LogAnalysisResult {
    this.take(this.analyzer.end(0));
    return { events: this.events.list(), eventCount: this.events.count, eventsDropped: this.events.dropped, verdict: this.analyzer.verdict(), lines: this.lines, linesCut: this.linesCut };
  }

  private take(update: AnalyzerUpdate): void {
    this.events.add(update.events);
    for (const l of update.lines) {
      if (this.lines.length < this.maxLines) this.lines.push({ n: l.n, text: l.text });
      else this.linesCut += 1;
    }
  }
}

/** Analyzes a whole captured log (bytes or text): the events (at most MAX_LISTED_EVENTS listed) and the final verdict. */
export function analyzeLog(log: Uint8Array | string, options: AnalyzerOptions = {}, keep?: (p: Pattern) => boolean): LogAnalysisResult {
  const bytes = typeof log === 'string' ? new TextEncoder().encode(log) : log;
  const a = new LogAnalysis(options, keep);
  for (let o = 0; o < bytes.length; o += ANALYZE_CHUNK) a.push(bytes.subarray(o, o + ANALYZE_CHUNK));
  return a.finish();
}

/** Every stage id, re-exported for the UI's rows. */
export { STAGE_IDS };
