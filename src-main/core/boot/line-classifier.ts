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

  /**
   * The events one console line carries (usually none), in a list that is valid until the next call. `bytes`: the
   * chunk the line is a plain ASCII slice of, at [from, end) (the decoder's fast lines), when known: the gate then
   * reads the bytes instead of the string.
   */
  classify(text: string, bytes?: Uint8Array, from = 0, end = 0): readonly BootEventBody[] {
    const out = this.found;
    if (out.length !== 0) out.length = 0; // setting the length is a runtime call even on an empty list
    const s = trimmed(text);
    if (s.length < 3) return out;
    if (s.length >= COLLAPSED) {
      for (const piece of this.pieces(s)) this.matchPiece(piece, out, this.set.maskOf(piece));
      return out;
    }
    // the mask of the untrimmed line holds every key of the trimmed one
    this.matchPiece(s, out, bytes !== undefined && this.set.bytesGate ? this.set.maskOfBytes(bytes, from, end) : this.set.maskOf(s));
    return out;
  }

  /** The line as it is, then (when nothing took it) without its capture prefixes; `mask`: the gate's mask of `s`. */
  private matchPiece(s: string, out: BootEventBody[], mask: number): string | null {
    const id = this.set.match(s, this.ctx, out, mask);
    if (id !== null) return id;
    const n = normalize(s);
    if (n === s) return null;
    // a normalized line cut from the raw one (no entity decoded) holds no key the raw line lacked: s's mask holds n's
    return this.set.match(n, this.ctx, out, s.endsWith(n) ? mask : this.set.maskOf(n));
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
