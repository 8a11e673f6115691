import type { BootEventBody } from './boot-event.js';
import type { ClassifierContext } from './classifier-context.js';

/** The bootloader families of the pattern tables (the corpus labels use the same names). */
export type Family = 'u-boot' | 'rpi-eeprom' | 'rpi-bootcode' | 'pxe-rom' | 'ipxe' | 'linux' | 'other';

/**
 * One console wording the analyzer knows. A line matches when it starts with `start` (or holds `has` anywhere) and
 * then `re` matches (when given); `on` turns the match into events and may decline (returns false) to let the next
 * pattern try. `from` names the corpus transcripts the wording was learned from (`../shared/bootlogs` numbers like
 * `20`, `test/fixtures/bootlogs` numbers like `137`): a test requires each pattern to match a line of one of them. WalT's
 * own lines are learned from WalT: `domain` (the transcript lines of ../shared/domain/walt-boot.md) and
 * `probe-script` (the line walt-bench's probe script prints, src-main/core/walt/probe-scripts.ts).
 */
export interface Pattern {
  id: string;
  start?: string | readonly string[];
  has?: string;
  re?: Matcher;
  from: readonly string[];
  on: (m: RegExpExecArray | null, s: string, ctx: ClassifierContext, out: BootEventBody[]) => boolean | void;
}

/** What a pattern's `re` needs: a RegExp, or a matcher built for linear time (followedBy). */
export type Matcher = Pick<RegExp, 'exec' | 'test'>;

const LINE_TERMINATOR = /[\n\r\u2028\u2029]/g;

/**
 * The first match of `then` after the first match of `first`, within one run of text without a line terminator:
 * the same result as `/first.*?then/` (capture groups of `then` only), in linear time. That regex tries `.*?` from
 * every occurrence of `first` to the end of the line: quadratic on a line repeating `first` (`TFTP TFTP ...`).
 */
export function followedBy(first: RegExp, then: RegExp): Matcher {
  const head = new RegExp(first.source, first.flags.replace('g', ''));
  const tail = new RegExp(then.source, then.flags.includes('g') ? then.flags : then.flags + 'g');
  const exec = (s: string): RegExpExecArray | null => {
    let from = 0;
    while (from <= s.length) {
      LINE_TERMINATOR.lastIndex = from;
      const stop = LINE_TERMINATOR.exec(s)?.index ?? s.length;
      const run = from === 0 && stop === s.length ? s : s.slice(from, stop);
      const m = head.exec(run);
      if (m !== null) {
        tail.lastIndex = m.index + m[0].length;
        const found = tail.exec(run);
        if (found !== null) return found;
      }
      from = stop + 1;
    }
    return null;
  };
  return { exec, test: (s: string) => exec(s) !== null };
}

/** The patterns of one family, in the order they are tried. */
export interface PatternTable {
  family: Family;
  patterns: readonly Pattern[];
}

/** The literal starts of a pattern. */
export function startsOf(p: Pattern): readonly string[] {
  return p.start === undefined ? [] : typeof p.start === 'string' ? [p.start] : p.start;
}

/** Characters by how often console text holds them (most common first): a literal is keyed on its rarest pair. */
const COMMON_CHARS = ' etaoinsrhldcumfpgwybvk0123456789.:=-_,/()[]';

function commonness(c: number): number {
  const i = COMMON_CHARS.indexOf(String.fromCharCode(c));
  return i < 0 ? COMMON_CHARS.length : i;
}

/** The offset of the pair of adjacent characters of `literal` that console text holds least often. */
function rarestPair(literal: string): number {
  let best = 0;
  let bestScore = -1;
  for (let i = 0; i + 1 < literal.length; i += 1) {
    const a = commonness(literal.charCodeAt(i));
    const b = commonness(literal.charCodeAt(i + 1));
    const score = Math.min(a, b) * 1000 + a + b;
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return best;
}

/**
 * The tables compiled for matching: start patterns grouped by first character (most lines are rejected by one
 * array lookup); anywhere patterns behind a gate: a regex of one key per `has` literal, the literal's rarest pair of
 * adjacent characters (`TF` for `TFTP`, `nk` for `ink`). Two-character alternatives let the regex engine reject a
 * line in one quick pass (three times faster than the alternation of the whole literals); a line that holds a key
 * then tries the anywhere patterns (`includes`, then `re`).
 */
export class PatternSet {
  /**
   * Start patterns by their first two characters (index `c0 * 128 + c1` for ASCII pairs; `wide` for the rest), in
   * table order; a one-character start sits in every list of its character and in `single`.
   */
  private readonly byPair: (StartEntry[] | undefined)[] = new Array<StartEntry[] | undefined>(128 * 128);
  private readonly wide = new Map<number, StartEntry[]>();
  private readonly single = new Map<number, StartEntry[]>();
  /** `single` for ASCII characters, by character: an array read instead of a map for most lines. */
  private readonly singleAscii: (StartEntry[] | undefined)[] = new Array<StartEntry[] | undefined>(128).fill(undefined);
  private readonly anywhere: Pattern[] = [];
  private readonly gate: RegExp | null;
  /** By a two-character ASCII key (`c0 * 128 + c1`): the bits (bitOf) of the anywhere patterns keyed on it. */
  private readonly keyBits = new Uint32Array(128 * 128);
  /** By ASCII character: KEY_FIRST when it opens a two-character key, KEY_LAST when it ends one. */
  private readonly keyRoles = new Uint8Array(128);
  /** The bits of the anywhere patterns keyed otherwise (one character, non-ASCII): tried whenever the gate lets a line through. */
  private alwaysBits = 0;
  /** Whether every key has two characters (else keysIn() lets a line through to every anywhere pattern). */
  private pairKeys = true;
  /** Every start literal (the anchors that cut a collapsed paste). */
  readonly starts: string[] = [];

  constructor(tables: readonly PatternTable[], keep: (p: Pattern) => boolean = () => true) {
    const entries: StartEntry[] = [];
    for (const t of tables) {
      for (const p of t.patterns) {
        if (!keep(p)) continue;
        if (p.has !== undefined) this.anywhere.push(p);
        for (const start of startsOf(p)) {
          entries.push({ start, third: start.length < 3 ? -1 : start.charCodeAt(2), p });
          this.starts.push(start);
        }
      }
    }
    const keys = new Set(entries.filter((e) => e.start.length >= 2).map((e) => pairKey(e.start)));
    for (const key of keys) {
      const list = entries.filter((e) => (e.start.length >= 2 ? pairKey(e.start) === key : e.start.charCodeAt(0) === Math.floor(key / 0x10000)));
      const ascii = key < 0x800000 && (key & 0xffff) < 128;
      if (ascii) this.byPair[(key >> 16) * 128 + (key & 0xffff)] = list;
      else this.wide.set(key, list);
    }
    for (const e of entries) {
      if (e.start.length >= 2) continue;
      const c = e.start.charCodeAt(0);
      this.single.set(c, [...(this.single.get(c) ?? []), e]);
      if (c < 128) this.singleAscii[c] = this.single.get(c);
    }
    // substrings that open a line are anchors too (`TFTP error`, `Kernel panic`); short or punctuation ones are not
    for (const p of this.anywhere) if (p.has!.length >= 8 && /^[A-Z]/.test(p.has!)) this.starts.push(p.has!);
    const gateKeys = new Set<string>();
    this.anywhere.forEach((p, i) => {
      const key = p.has!.length < 2 ? p.has! : p.has!.substr(rarestPair(p.has!), 2);
      gateKeys.add(key);
      if (key.length !== 2) this.pairKeys = false;
      if (key.length === 2 && key.charCodeAt(0) < 128 && key.charCodeAt(1) < 128) {
        this.keyBits[key.charCodeAt(0) * 128 + key.charCodeAt(1)]! |= bitOf(i);
        this.keyRoles[key.charCodeAt(0)]! |= KEY_FIRST;
        this.keyRoles[key.charCodeAt(1)]! |= KEY_LAST;
      } else this.alwaysBits |= bitOf(i);
    });
    const escaped = [...gateKeys].map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
    this.gate = escaped ? new RegExp(escaped, 'g') : null;
  }

  /**
   * Pushes the events of the first pattern that takes the line; returns its id, or null. `mask`: the gate's mask of
   * the line (maskOf) or of a text holding it (a superset is fine; 0 skips every anywhere pattern); computed when omitted.
   */
  match(s: string, ctx: ClassifierContext, out: BootEventBody[], mask?: number): string | null {
    const list = this.startsFor(s);
    if (list !== undefined) {
      const c2 = s.charCodeAt(2);
      for (let i = 0; i < list.length; i += 1) {
        const { start, third, p } = list[i]!;
        // the list holds the starts of the line's first two characters: the third rejects most without a call
        if ((third >= 0 && c2 !== third) || !s.startsWith(start)) continue;
        if (p.re === undefined) {
          if (p.on(null, s, ctx, out) !== false) return p.id;
          continue;
        }
        const m = p.re.exec(s);
        if (m !== null && p.on(m, s, ctx, out) !== false) return p.id;
      }
    }
    mask ??= this.maskOf(s);
    if (mask === 0) return null;
    for (let i = 0; i < this.anywhere.length; i += 1) {
      if ((mask & bitOf(i)) === 0) continue;
      const p = this.anywhere[i]!;
      if (!s.includes(p.has!)) continue;
      const m = p.re === undefined ? null : p.re.exec(s);
      if ((p.re === undefined || m !== null) && p.on(m, s, ctx, out) !== false) return p.id;
    }
    return null;
  }

  /**
   * The gate's mask of `s`: the bits of the anywhere patterns whose key it holds, 0 when it holds none (every bit
   * with keys of other lengths), overlapping keys too (`TFT`: `TF` and `FT`). When every key is an ASCII pair, each key holds a
   * character at an odd index: only those are read, and a pair is looked up when the character can end (KEY_LAST) or
   * open (KEY_FIRST) a key (the gate regex in a loop of `test()` with the global flag cost more, `search()` of it
   * before this loop too). Otherwise the gate's matches (`test` with the global flag leaves lastIndex after the
   * match and allocates nothing).
   */
  maskOf(s: string): number {
    const gate = this.gate;
    if (gate === null) return 0;
    gate.lastIndex = 0;
    let mask = 0;
    if (this.alwaysBits === 0) {
      const bits = this.keyBits;
      const roles = this.keyRoles;
      const n = s.length;
      for (let i = 1; i < n; i += 2) {
        const c = s.charCodeAt(i);
        const role = c < 128 ? roles[c]! : 0;
        if (role === 0) continue;
        if ((role & KEY_LAST) !== 0) {
          const before = s.charCodeAt(i - 1);
          if (before < 128) mask |= bits[before * 128 + c]!;
        }
        if ((role & KEY_FIRST) !== 0 && i + 1 < n) {
          const after = s.charCodeAt(i + 1);
          if (after < 128) mask |= bits[c * 128 + after]!;
        }
      }
      return mask;
    }
    if (!this.pairKeys) return gate.test(s) ? ~0 : 0;
    while (gate.test(s)) {
      const at = gate.lastIndex - 2;
      const c0 = s.charCodeAt(at);
      const c1 = s.charCodeAt(at + 1);
      mask |= (c0 < 128 && c1 < 128 ? this.keyBits[c0 * 128 + c1]! : 0) | this.alwaysBits;
      gate.lastIndex = at + 1;
    }
    return mask;
  }

  /** Whether maskOfBytes() can tell the gate's mask (every key an ASCII pair). */
  get bytesGate(): boolean {
    return this.alwaysBits === 0 && this.gate !== null;
  }

  /**
   * maskOf() of the text of bytes [from, end), all printable ASCII (a console line the decoder sliced from its chunk):
   * the same odd-index walk over the bytes, ~2.5 times cheaper than over the string (a typed array read costs less
   * than charCodeAt on a sliced string). Only when bytesGate.
   */
  maskOfBytes(b: Uint8Array, from: number, end: number): number {
    const bits = this.keyBits;
    const roles = this.keyRoles;
    let mask = 0;
    for (let i = from + 1; i < end; i += 2) {
      const c = b[i]!;
      const role = roles[c & 0x7f]!;
      if (role === 0) continue;
      if ((role & KEY_LAST) !== 0) mask |= bits[(b[i - 1]! & 0x7f) * 128 + c]!;
      if ((role & KEY_FIRST) !== 0 && i + 1 < end) mask |= bits[c * 128 + (b[i + 1]! & 0x7f)]!;
    }
    return mask;
  }

  /** The start patterns whose start may open `s` (its first two characters), in table order. */
  private startsFor(s: string): StartEntry[] | undefined {
    const c0 = s.charCodeAt(0);
    const c1 = s.charCodeAt(1);
    const list = c0 < 128 && c1 < 128 ? this.byPair[c0 * 128 + c1] : this.wide.get(c0 * 0x10000 + c1);
    return list ?? (c0 < 128 ? this.singleAscii[c0] : this.single.get(c0));
  }
}

const KEY_FIRST = 1;
const KEY_LAST = 2;

/** The bit of the i-th anywhere pattern in a key mask (the 32nd and later share the last bit). */
function bitOf(i: number): number {
  return 1 << Math.min(i, 31);
}

/** A start literal and its pattern. */
interface StartEntry {
  start: string;
  /** The start's third character (-1 for a shorter start). */
  third: number;
  p: Pattern;
}

/** The first two characters of a literal as one number. */
function pairKey(literal: string): number {
  return literal.charCodeAt(0) * 0x10000 + literal.charCodeAt(1);
}
