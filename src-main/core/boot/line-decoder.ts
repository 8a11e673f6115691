/**
 * Bytes from a serial console -> whole, clean text lines, as a small byte-level state machine:
 * - `\n` ends a line; `\r` returns to column 0 (what follows overwrites, like a terminal); `\b` steps back one column.
 * - ANSI escapes are interpreted or dropped: CSI (`ESC [ ... final`; `K` erases to the end of the line), OSC
 *   (`ESC ] ... BEL|ESC \`), and two-byte `ESC x`. Other control bytes are dropped; `\t` is kept.
 * - A line is kept whole across any number of chunks; a line longer than `maxLine` bytes is cut into pieces
 *   (flagged `continued`), and runaway escape sequences are abandoned, so binary noise never grows memory.
 * - Each line carries the time its first byte arrived (from the caller's clock) and its number.
 * The result depends only on the bytes, never on how they were split into chunks.
 *
 * Speed: most console lines are plain ASCII ended by `\n` or `\r\n` inside one chunk. Those skip the machine: a
 * word-at-a-time check finds how far the chunk stays plain and where its `\n`s are (see plain-run.ts), that run is
 * decoded to a string once, and its lines are slices of it (see `plainLines`), which gives the text the machine would.
 * Everything else (redraws, escapes, UTF-8, lines split across chunks) goes byte by byte, and the check resumes
 * after it.
 */

import { mayStartRun, PlainRun } from './plain-run.js';

/** One decoded console line. */
export interface ConsoleLine {
  /** 1-based line number in the session. */
  n: number;
  /** Arrival time of the line's first byte (the caller's clock, ms). */
  t: number;
  text: string;
  /** True when this piece was cut from an over-long line and the line goes on in the next piece. */
  continued: boolean;
}

/** States of the escape-sequence machine. */
type EscapeState = 'text' | 'esc' | 'csi' | 'osc' | 'osc-esc';

/** Longest line kept whole, in bytes (longer lines are cut into pieces of this size). */
export const DEFAULT_MAX_LINE = 4096;
const MAX_CSI = 32;
const MAX_OSC = 512;
/** Span entries kept between pushes (two per line: 64 KiB chunks of the shortest lines fit). */
const MAX_KEPT_SPANS = 1 << 16;

const LF = 0x0a;
const CR = 0x0d;
const BS = 0x08;
const TAB = 0x09;
const ESC = 0x1b;
const BEL = 0x07;

const utf8 = new TextDecoder('utf-8');

/** Decodes console bytes into lines; feed it chunks with push(), finish with end(). */
export class LineDecoder {
  private buf: Uint8Array;
  private len = 0;
  private cursor = 0;
  private high = false;
  private state: EscapeState = 'text';
  private seqLen = 0;
  private csiParams = '';
  private lineStart: number | null = null;
  private count = 0;
  /**
   * The plain run of the current chunk being cut into lines: bytes [runStart, runEnd) are plain (runEnd -1: none yet
   * in this chunk), `run` has its `\n`s (the next line's at `nextLine`), and `runText` is the run decoded up to its
   * last `\n`. Runs never overlap, so each byte of a chunk is checked and decoded at most once.
   */
  private readonly run = new PlainRun();
  private runStart = 0;
  private runEnd = -1;
  private runText = '';
  private nextLine = 0;
  /**
   * For the k-th line the last push() returned: [spans[2k], spans[2k+1]) is where its text lies in that chunk, when
   * the line is those bytes as they are (a plain run's line); spans[2k] is -1 otherwise.
   */
  spans = new Int32Array(128);

  constructor(
    private readonly maxLine = DEFAULT_MAX_LINE,
    private readonly decodeText: (bytes: Uint8Array) => string = (b) => utf8.decode(b),
  ) {
    this.buf = new Uint8Array(Math.min(256, maxLine));
  }

  /** The escape-machine state (for tests and diagnostics). */
  get escapeState(): EscapeState {
    return this.state;
  }

  /** Decodes one chunk that arrived at time `now`; returns the lines it completed. */
  push(chunk: Uint8Array, now: number): ConsoleLine[] {
    const out: ConsoleLine[] = [];
    this.runEnd = -1;
    // one huge chunk of short lines grew the spans: they are not kept at that size for the session's life
    if (this.spans.length > MAX_KEPT_SPANS) this.spans = new Int32Array(128);
    let i = 0;
    while (i < chunk.length) {
      if (this.state !== 'text') {
        this.escape(chunk[i]!);
        i += 1;
        continue;
      }
      if (this.len === 0 && this.lineStart === null) {
        i = this.plainLines(chunk, i, now, out);
        if (i === chunk.length) break;
      }
      const b = chunk[i]!;
      if (b >= 0x20 && b !== 0x7f) {
        i = this.putRun(chunk, i, now, out);
        continue;
      }
      switch (b) {
        case LF:
          if (this.lineStart === null) this.lineStart = now;
          this.emit(out, this.take(false), -1, 0);
          break;
        case CR:
          this.cursor = 0;
          break;
        case BS:
          if (this.cursor > 0) this.cursor -= 1;
          break;
        case TAB:
          this.put(b, now, out);
          break;
        case ESC:
          this.state = 'esc';
          this.seqLen = 0;
          break;
        default:
          // other control bytes (NUL, BEL, XON/XOFF, DEL...) carry no text
          break;
      }
      i += 1;
    }
    this.run.forget();
    // the run's text is not needed after this chunk (lines kept elsewhere are slices of it and keep it themselves)
    this.runText = '';
    return out;
  }

  /** Ends the stream: returns the unfinished last line, if it has any text. */
  end(now: number): ConsoleLine[] {
    this.state = 'text';
    if (this.len === 0) {
      this.lineStart = null;
      return [];
    }
    if (this.lineStart === null) this.lineStart = now;
    return [this.take(false)];
  }

  /** The unfinished line so far (a prompt such as `login: ` waits there), without consuming it. */
  pending(): string {
    return this.len === 0 ? '' : this.decode();
  }

  /**
   * The fast path, at the start of a line: emits the lines from `from` that are whole in this chunk's plain run (plain
   * ASCII and tabs, at most `maxLine` of them, ended by `\n` after any `\r`s, which only move the cursor) and returns
   * the index after the last one's `\n`, where the byte machine takes over.
   */
  private plainLines(chunk: Uint8Array, from: number, now: number, out: ConsoleLine[]): number {
    const run = this.run;
    if (from >= this.runEnd) {
      // past the last run (or at the chunk's first line start): check on from here
      // no run here (noise, an escape): nothing to keep, the next line start checks on
      if (!mayStartRun(chunk[from]!)) return from;
      const end = run.scan(chunk, from);
      if (end === from) return from;
      this.runStart = from;
      this.runEnd = end;
      this.nextLine = 0;
      this.runText = run.newlines === 0 ? '' : this.decodeText(chunk.subarray(from, run.newlineAt[run.newlines - 1]! + 1));
    }
    const newlineAt = run.newlineAt;
    const newlines = run.newlines;
    let next = this.nextLine;
    // the machine may have taken lines of this run (too long ones): skip their \n's
    while (next < newlines && newlineAt[next]! < from) next += 1;
    if (next === newlines) {
      this.nextLine = next;
      return from;
    }
    const text = this.runText;
    const base = this.runStart;
    const maxLine = this.maxLine;
    let start = from;
    let count = this.count;
    for (; next < newlines; next += 1) {
      const lf = newlineAt[next]!;
      let end = lf;
      while (end > start && chunk[end - 1] === CR) end -= 1;
      if (end - start > maxLine) break;
      count += 1;
      this.emit(out, { n: count, t: now, text: text.slice(start - base, end - base), continued: false }, start, end);
      start = lf + 1;
    }
    this.nextLine = next;
    this.count = count;
    this.cursor = 0;
    this.high = false;
    return start;
  }

  /** Adds a line to `out` with its span in the chunk (`from` -1: none). */
  private emit(out: ConsoleLine[], line: ConsoleLine, from: number, end: number): void {
    const k = out.length;
    if (2 * k + 2 > this.spans.length) {
      const next = new Int32Array(2 * this.spans.length);
      next.set(this.spans);
      this.spans = next;
    }
    this.spans[2 * k] = from;
    this.spans[2 * k + 1] = end;
    out.push(line);
  }

  private put(b: number, now: number, out: ConsoleLine[]): void {
    if (this.lineStart === null) this.lineStart = now;
    if (this.cursor >= this.maxLine) {
      this.emit(out, this.take(true), -1, 0);
      this.lineStart = now;
    }
    if (this.cursor >= this.buf.length) this.grow();
    this.buf[this.cursor] = b;
    this.cursor += 1;
    if (this.cursor > this.len) this.len = this.cursor;
    if (b >= 0x80) this.high = true;
  }

  /** Copies the run of printable bytes starting at `from` in one go; returns where the run ends. */
  private putRun(chunk: Uint8Array, from: number, now: number, out: ConsoleLine[]): number {
    let end = from;
    let high = false;
    while (end < chunk.length) {
      const b = chunk[end]!;
      if (b < 0x20 || b === 0x7f) break;
      if (b >= 0x80) high = true;
      end += 1;
    }
    if (high) this.high = true;
    let i = from;
    while (i < end) {
      if (this.lineStart === null) this.lineStart = now;
      if (this.cursor >= this.maxLine) {
        this.emit(out, this.take(true), -1, 0);
        this.lineStart = now;
        if (high) this.high = true;
      }
      const n = Math.min(end - i, this.maxLine - this.cursor);
      while (this.cursor + n > this.buf.length) this.grow();
      this.buf.set(chunk.subarray(i, i + n), this.cursor);
      this.cursor += n;
      if (this.cursor > this.len) this.len = this.cursor;
      i += n;
    }
    return end;
  }

  private grow(): void {
    const next = new Uint8Array(Math.min(this.maxLine, this.buf.length * 2));
    next.set(this.buf);
    this.buf = next;
  }

  private escape(b: number): void {
    this.seqLen += 1;
    switch (this.state) {
      case 'esc':
        if (b === 0x5b) {
          this.state = 'csi';
          this.csiParams = '';
        } else if (b === 0x5d) this.state = 'osc';
        else this.state = 'text'; // two-byte escape (ESC c, ESC 7, ESC ( B's first half...) dropped
        return;
      case 'csi':
        if (b >= 0x40 && b <= 0x7e) {
          this.state = 'text';
          this.csi(b);
        } else if (this.seqLen > MAX_CSI || b < 0x20) this.state = 'text';
        else this.csiParams += String.fromCharCode(b);
        return;
      case 'osc':
        if (b === BEL || this.seqLen > MAX_OSC) this.state = 'text';
        else if (b === ESC) this.state = 'osc-esc';
        return;
      case 'osc-esc':
        this.state = b === 0x5c ? 'text' : 'osc';
        return;
      case 'text':
        return;
    }
  }

  /** Applies the CSI sequences that change the line's text; colours and the rest are dropped. */
  private csi(final: number): void {
    const n = Number.parseInt(this.csiParams, 10);
    switch (final) {
      case 0x4b: // K: erase in line (0: to the end, 1: to the start, 2: all)
        if (!(n > 0)) this.len = this.cursor;
        else if (n === 2) this.len = this.cursor = 0;
        return;
      case 0x44: // D: cursor back
        this.cursor = Math.max(0, this.cursor - (n > 0 ? n : 1));
        return;
      case 0x47: // G: cursor to column
        this.cursor = Math.min(this.len, Math.max(0, (n > 0 ? n : 1) - 1));
        return;
      default:
        return;
    }
  }

  private decode(): string {
    const bytes = this.buf.subarray(0, this.len);
    if (this.high || bytes.length > 64) return this.decodeText(bytes);
    let s = '';
    for (let i = 0; i < bytes.length; i += 1024) {
      s += String.fromCharCode.apply(null, bytes.subarray(i, i + 1024) as unknown as number[]);
    }
    return s;
  }

  private take(continued: boolean): ConsoleLine {
    this.count += 1;
    const line: ConsoleLine = { n: this.count, t: this.lineStart ?? 0, text: this.decode(), continued };
    this.len = 0;
    this.cursor = 0;
    this.high = false;
    this.lineStart = null;
    return line;
  }
}
