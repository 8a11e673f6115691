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
  re?: RegExp;
  from: readonly string[];
  on: (m: RegExpExecArray | null, s: string, ctx: ClassifierContext, out: BootEventBody[]) => boolean | void;
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

/**
 * The tables compiled for matching: start patterns grouped by first character (most lines are rejected by one
 * array lookup), anywhere patterns behind one regex gate built from their literals.
 */
export class PatternSet {
  private readonly byFirst = new Map<number, { start: string; p: Pattern }[]>();
  private readonly anywhere: Pattern[] = [];
  private readonly gate: RegExp | null;
  /** Every start literal (the anchors that cut a collapsed paste). */
  readonly starts: string[] = [];

  constructor(tables: readonly PatternTable[], keep: (p: Pattern) => boolean = () => true) {
    for (const t of tables) {
      for (const p of t.patterns) {
        if (!keep(p)) continue;
        if (p.has !== undefined) this.anywhere.push(p);
        for (const start of startsOf(p)) {
          const c = start.charCodeAt(0);
          const list = this.byFirst.get(c) ?? [];
          list.push({ start, p });
          this.byFirst.set(c, list);
          this.starts.push(start);
        }
      }
    }
    // substrings that open a line are anchors too (`TFTP error`, `Kernel panic`); short or punctuation ones are not
    for (const p of this.anywhere) if (p.has!.length >= 8 && /^[A-Z]/.test(p.has!)) this.starts.push(p.has!);
    const literals = [...new Set(this.anywhere.map((p) => p.has!))].map((l) => l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.gate = literals.length ? new RegExp(literals.join('|')) : null;
  }

  /** Pushes the events of the first pattern that takes the line; returns its id, or null. */
  match(s: string, ctx: ClassifierContext, out: BootEventBody[]): string | null {
    const list = this.byFirst.get(s.charCodeAt(0));
    if (list !== undefined) {
      for (let i = 0; i < list.length; i += 1) {
        const { start, p } = list[i]!;
        if (!s.startsWith(start)) continue;
        if (p.re === undefined) {
          if (p.on(null, s, ctx, out) !== false) return p.id;
          continue;
        }
        const m = p.re.exec(s);
        if (m !== null && p.on(m, s, ctx, out) !== false) return p.id;
      }
    }
    if (this.gate === null || !this.gate.test(s)) return null;
    for (const p of this.anywhere) {
      if (!s.includes(p.has!)) continue;
      const m = p.re === undefined ? null : p.re.exec(s);
      if ((p.re === undefined || m !== null) && p.on(m, s, ctx, out) !== false) return p.id;
    }
    return null;
  }
}
