/**
 * A console line as a capture tool, a CI system or a web page delivered it -> the bootloader's own text, so the
 * patterns see the same line whatever the capture format:
 * - prefixes, repeated: kernel times `[    1.234567] `, terminal-program times `[2026-01-02 10:11:12.345] `,
 *   `12:01:02.123 `, grabserial's `[0.123456 0.000123]`, the Pi 5 EEPROM's `23.93 `, ISO dates, syslog/journald
 *   `Dec  3 10:11:12 host unit[12]: `, CI tags (`console: `, `[device] `), mail and chat quoting (`> `, `| `);
 * - HTML entities (`&gt;`, `&#39;`, `&nbsp;`) left by a web page;
 * - a paste that lost its newlines (a whole boot on one line): cut back into lines at the patterns' anchors.
 * Pure and cheap: a line is looked at character by character only where a prefix may start.
 */

/** A line longer than this may be several lines joined by a web page. */
export const COLLAPSED_MIN = 200;

const TIME_CLOCK = /^\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:\s*[+-]\d{2}:?\d{2}|Z)?\]?:?\s+/;
const TIME_ISO = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|\s*[+-]\d{2}:?\d{2})?\]?:?\s+/;
const TIME_SECONDS = /^\d{1,6}\.\d{1,9}:?\s+/;
const BRACKET = /^\[([^\]]{1,46})\]:?\s?/;
/** What a bracketed prefix holds: a time, a time pair (grabserial), a date, or a short tag (`[device]`, `[rpi4]`). */
const BRACKET_BODY = /^(?:\s*\d+(?:[.:,]\d+)*(?:\s+\d+(?:[.:,]\d+)*)?\s*|\d{4}-\d{2}-\d{2}[T ][\d:.,]+(?:Z|[+-]\d{2}:?\d{2})?|[A-Za-z][\w .:/-]{0,30})$/;
const SYSLOG = /^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2}(?:\.\d+)? \S+ [\w./@-]+(?:\[\d+\])?: /;
/** CI and capture tools' line tags: `console: `, `serial0: `, `dut: `, `target: `, `uart: `, `log: `. */
const TAG = /^(?:console|serial\d*|dut|target|uart\d*|log|ttyUSB\d+|ttyACM\d+|ttyS\d+|ttyAMA\d+|com\d+|stdout|output)\s?[:>|]\s/i;
/** Month names and the first three letters of TAG's words (lower case), as word3() numbers: cheap gates. */
const MONTHS = new Set(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].map(word3));
const TAG_WORDS = new Set(['con', 'ser', 'dut', 'tar', 'uar', 'log', 'tty', 'com', 'std', 'out'].map(word3));
const QUOTE = /^(?:[>|] ?|# )+/;
/** By a line's first character: whether a month (OPENS_MONTH) or a tag word in either case (OPENS_TAG) starts with it. */
const OPENS_MONTH = 1;
const OPENS_TAG = 2;
const WORD_OPENERS = new Uint8Array(128);
for (const m of ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']) WORD_OPENERS[m.charCodeAt(0)]! |= OPENS_MONTH;
for (const t of ['con', 'ser', 'dut', 'tar', 'uar', 'log', 'tty', 'com', 'std', 'out']) {
  WORD_OPENERS[t.charCodeAt(0)]! |= OPENS_TAG;
  WORD_OPENERS[t.toUpperCase().charCodeAt(0)]! |= OPENS_TAG;
}

/**
 * The line without its capture prefixes (any number, in any order) and with HTML entities decoded; `s` is trimmed.
 * Lines without a prefix come back as they are (the common case costs a character test).
 */
export function normalizeLine(s: string): string {
  if (s.indexOf('&') >= 0) s = decodeEntities(s);
  for (let round = 0; round < 4 && s.length > 0; round += 1) {
    const next = withoutPrefix(s);
    if (next === s) break;
    s = next.trimStart();
  }
  return s;
}

/** One prefix removed, or the same string. */
function withoutPrefix(s: string): string {
  const c = s.charCodeAt(0);
  let m: RegExpExecArray | null;
  if (c === 0x5b /* [ */) {
    const k = kernelTime(s);
    if (k > 0) return s.slice(k);
    if ((m = BRACKET.exec(s)) && BRACKET_BODY.test(m[1]!) && !isMenuMark(m[1]!)) return s.slice(m[0].length);
    return s;
  }
  if (c >= 0x30 && c <= 0x39) {
    if ((m = TIME_ISO.exec(s)) || (m = TIME_CLOCK.exec(s)) || (m = TIME_SECONDS.exec(s))) return s.slice(m[0].length);
    return s;
  }
  if (c === 0x3e /* > */ || c === 0x7c /* | */ || c === 0x23 /* # */) {
    m = QUOTE.exec(s);
    return m ? s.slice(m[0].length) : s;
  }
  if (c >= 0x41 && c <= 0x7a && s.length > 6) {
    const opens = WORD_OPENERS[c]!;
    if (opens === 0) return s; // no month and no tag starts with this letter: the common case, no set looked up
    const word = (c << 16) | (s.charCodeAt(1) << 8) | s.charCodeAt(2);
    if ((opens & OPENS_MONTH) !== 0 && MONTHS.has(word) && s.length > 20 && (m = SYSLOG.exec(s))) return s.slice(m[0].length);
    if ((opens & OPENS_TAG) !== 0 && TAG_WORDS.has(word | 0x202020) && (m = TAG.exec(s))) return s.slice(m[0].length);
  }
  return s;
}

/**
 * The length of a kernel time prefix `[   12.345678]` (with a `:` after it), or 0: the common bracket, read without
 * a regex. Whatever it accepts, BRACKET and BRACKET_BODY accept with the same length (the caller trims the space).
 */
function kernelTime(s: string): number {
  let i = 1;
  while (s.charCodeAt(i) === 0x20) i += 1;
  const digits = i;
  while (isDigit(s.charCodeAt(i))) i += 1;
  if (i === digits || s.charCodeAt(i) !== 0x2e /* . */) return 0;
  i += 1;
  const fraction = i;
  while (isDigit(s.charCodeAt(i))) i += 1;
  if (i === fraction || s.charCodeAt(i) !== 0x5d /* ] */ || i - 1 > 46) return 0;
  i += 1;
  return s.charCodeAt(i) === 0x3a /* : */ ? i + 1 : i;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Three characters as one number, for the word sets. */
function word3(w: string): number {
  return (w.charCodeAt(0) << 16) | (w.charCodeAt(1) << 8) | w.charCodeAt(2);
}

/** `[ OK ]`, `[*]`, `[ ]`: a menu's or systemd's mark, text rather than a prefix. */
function isMenuMark(body: string): boolean {
  return body.length <= 6 && !/\d/.test(body);
}

const NAMED: Record<string, string> = { gt: '>', lt: '<', amp: '&', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };
const ENTITY = /&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|[a-zA-Z]{2,6});/g;

/** HTML entities decoded (unknown names stay as they are). */
export function decodeEntities(s: string): string {
  return s.replace(ENTITY, (whole, name: string) => {
    if (name.charCodeAt(0) === 0x23 /* # */) {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : whole;
    }
    return NAMED[name] ?? whole;
  });
}

/**
 * Cuts a line that holds several console lines (a paste whose newlines a web page turned into spaces) before each
 * anchor: the literal starts of the patterns, kernel timestamps, prefix timestamps. Short lines, and long lines with
 * at most one anchor, come back whole.
 */
export function splitCollapsed(s: string, anchors: RegExp): string[] {
  if (s.length < COLLAPSED_MIN) return [s];
  const cuts: number[] = [];
  anchors.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = anchors.exec(s)) !== null) {
    if (m.index > 0 && !isWordChar(s.charCodeAt(m.index - 1))) cuts.push(m.index);
    if (m[0].length === 0) anchors.lastIndex += 1;
  }
  if (cuts.length === 0) return [s];
  const parts: string[] = [];
  let from = 0;
  for (const at of cuts) {
    const piece = s.slice(from, at).trim();
    if (piece) parts.push(piece);
    from = at;
  }
  const last = s.slice(from).trim();
  if (last) parts.push(last);
  return parts;
}

function isWordChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

/** Anchors that cut a collapsed paste besides the patterns' starts: kernel and capture timestamps. */
export const TIME_ANCHORS = ['\\[\\s*\\d+\\.\\d{6}\\]', '\\[\\d{4}-\\d{2}-\\d{2}[T ][\\d:.,]+\\]', '\\[\\d{2}:\\d{2}:\\d{2}[.,]\\d+\\]'];

/** One global regex finding any anchor: escaped literals (longest first) and the timestamp forms. */
export function anchorRegex(literals: readonly string[]): RegExp {
  const uniq = [...new Set(literals.filter((l) => l.trim().length >= 5))].sort((a, b) => b.length - a.length);
  const escaped = uniq.map((l) => l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp([...TIME_ANCHORS, ...escaped].join('|'), 'g');
}
