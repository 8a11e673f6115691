import type { BootEventBody } from './boot-event.js';
import { type ClassifierContext, newContext } from './classifier-context.js';
import { anchorRegex, COLLAPSED_MIN, normalizeLine, splitCollapsed } from './line-normalizer.js';
import { type Pattern, PatternSet } from './pattern.js';
import { PATTERN_TABLES } from './patterns.js';

/**
 * Read once (an imported binding may be a getter under a module loader, and classify() runs for every line): the
 * hot imports as local constants.
 */
const COLLAPSED = COLLAPSED_MIN;
const normalize = normalizeLine;
const split = splitCollapsed;

/** The tables compiled once for every analyzer (a filtered set is compiled per classifier). */
let shared: { set: PatternSet; anchors: RegExp } | null = null;

function compile(keep?: (p: Pattern) => boolean): { set: PatternSet; anchors: RegExp } {
  const set = new PatternSet(PATTERN_TABLES, keep);
  return { set, anchors: anchorRegex(set.starts) };
}

/** The line without surrounding white space: most lines have none, and checking two characters is cheaper than trim(). */
function trimmed(text: string): string {
  const n = text.length;
  if (n === 0) return text;
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(n - 1);
  return first > 0x20 && first < 0x7f && last > 0x20 && last < 0x7f ? text : text.trim();
}

/**
 * Lines -> boot events: each console line is normalized (capture prefixes, HTML entities; a collapsed paste cut back
 * into lines), then the pattern tables are tried on it.
 */
export class LineClassifier {
  private ctx: ClassifierContext = newContext();
  private readonly set: PatternSet;
  private readonly anchors: RegExp;
  /** The list classify() fills and returns, reused for every line (most lines carry no event: no allocation). */
  private readonly found: BootEventBody[] = [];

  /** `keep` limits the patterns (the held-out evaluation develops on half of the corpus's patterns). */
  constructor(keep?: (p: Pattern) => boolean) {
    const compiled = keep ? compile(keep) : (shared ??= compile());
    this.set = compiled.set;
    this.anchors = compiled.anchors;
  }

  /** Forgets the current attempt (after a reset). */
  newCycle(): void {
    this.ctx = newContext();
  }

  /** The events one console line carries (usually none), in a list that is valid until the next call. */
  classify(text: string): readonly BootEventBody[] {
    const out = this.found;
    if (out.length !== 0) out.length = 0; // setting the length is a runtime call even on an empty list
    const s = trimmed(text);
    if (s.length < 3) return out;
    if (s.length >= COLLAPSED) {
      for (const piece of this.pieces(s)) this.matchPiece(piece, out);
      return out;
    }
    this.matchPiece(s, out);
    return out;
  }

  /** The line as it is, then (when nothing took it) without its capture prefixes. */
  private matchPiece(s: string, out: BootEventBody[]): string | null {
    this.set.lastGate = true;
    const id = this.set.match(s, this.ctx, out);
    if (id !== null) return id;
    const n = normalize(s);
    if (n === s) return null;
    // a normalized line cut from the raw one holds no key the raw line lacked: its anywhere patterns can be skipped
    return this.set.match(n, this.ctx, out, this.set.lastGate || !s.endsWith(n));
  }

  /** A login prompt still waiting on an unfinished line (`host login: ` has no newline), or null. */
  promptIn(pending: string): BootEventBody | null {
    const m = /^(\S+) login:\s*$/.exec(normalize(pending.trim()) + ' ');
    return m ? { kind: 'login-prompt', host: m[1]! } : null;
  }

  /** The normalized pieces of a line: one, or several when a paste lost its newlines. */
  private pieces(s: string): string[] {
    if (s.length < 3) return [];
    if (s.length < COLLAPSED) return [s];
    return split(normalize(s), this.anchors);
  }
}
