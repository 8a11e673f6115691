/**
 * How far console bytes stay plain text lines, checked four bytes at a time: the decoder's fast path cuts lines out
 * of such a run with slices of one decoded string instead of walking each byte in JS (a JS byte loop costs ~2.5 ns a
 * byte; a word test that clears four bytes at once, a small fraction of that: only the words holding a `\n`, a tab,
 * a `\r` or anything else are looked at byte by byte, and the `\n`s found there are noted for the decoder).
 *
 * A run is made of printable ASCII, tabs, `\n`s and `\r`s that only end a line (followed by more `\r`s or the `\n`),
 * so each of its lines is exactly what the byte machine would make of it: the bytes before the `\r`s.
 */

const LF = 0x0a;
const CR = 0x0d;

/** Byte kinds: kept as is in a line (printable ASCII, a tab); `\n`; `\r` (plain before `\r` or `\n`); anything else. */
const KEPT = 1;
const NEWLINE = 2;
const RETURN = 3;
const KIND = new Uint8Array(256);
for (let b = 0x20; b < 0x7f; b += 1) KIND[b] = KEPT;
KIND[0x09] = KEPT;
KIND[LF] = NEWLINE;
KIND[CR] = RETURN;

/** Bytes of a run looked at one by one before its words. */
const HEAD_BYTES = 16;
/** Below this many bytes, the words view costs more than it saves. */
const MIN_WORDS_RUN = 64;
/** `\n`s noted per run at most (a run ends after that many lines; the next one goes on from there). */
const MAX_RUN_LINES = 1024;

/** On a little-endian machine a word's lowest byte is its first in memory, so its marks are read lowest bit first. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Whether a run can start with byte `b` (a quick test for the caller, before a scan that noise would end at once). */
export function mayStartRun(b: number): boolean {
  return KIND[b] !== 0;
}

/** Finds plain runs and the `\n`s in them. */
export class PlainRun {
  /** Indices of the last scanned run's `\n`s, in order: the first `newlines` entries. */
  readonly newlineAt = new Int32Array(MAX_RUN_LINES);
  newlines = 0;
  private words: Int32Array | null = null;
  private wordsFor: Uint8Array | null = null;
  private wordsStart = 0;

  /**
   * Scans the plain run of `bytes` from `from`; returns its end: the index of its first byte that is not plain (a
   * control byte, a redrawing `\r`, a non-ASCII byte), the length, or the index after its last noted `\n`. A `\r` at
   * the very end counts as plain: whether it ends a line or redraws it is known with the next chunk, and the line it
   * belongs to has no `\n` in this one.
   */
  scan(bytes: Uint8Array, from: number): number {
    this.newlines = 0;
    const length = bytes.length;
    // the first bytes one by one: noise (a NUL flood, binary) mostly ends a run there, where words would cost more
    const head = Math.min(length, from + HEAD_BYTES);
    let i = from;
    for (; i < head; i += 1) {
      const end = this.byteAt(bytes, i);
      if (end >= 0) return end;
    }
    if (length - i >= MIN_WORDS_RUN) {
      // bytes up to a 4-aligned address, then whole words, then the tail byte by byte
      const words = this.wordsOf(bytes);
      const skip = i - this.wordsStart;
      const w0 = (skip + 3) >> 2;
      const first = this.wordsStart + 4 * w0;
      for (; i < first; i += 1) {
        const end = this.byteAt(bytes, i);
        if (end >= 0) return end;
      }
      const count = words.length;
      for (let w = w0; w < count; w += 1) {
        const x = words[w]!;
        // a high bit for a byte >= 0x80 (x), 0x7f (x + 1) or < 0x20 (x - 0x20): borrows and carries can add false
        // marks above a true one, never hide the lowest, so this tells exactly whether the word holds such a byte
        if (((x | ((x + 0x01010101) | 0) | ((x - 0x20202020) | 0)) & 0x80808080) === 0) continue;
        const end = this.wordAt(bytes, this.wordsStart + 4 * w, x);
        if (end >= 0) return end;
      }
      i = this.wordsStart + 4 * count;
    }
    for (; i < length; i += 1) {
      const end = this.byteAt(bytes, i);
      if (end >= 0) return end;
    }
    return length;
  }

  /** Lets go of the chunk the words view was made for. */
  forget(): void {
    this.words = null;
    this.wordsFor = null;
  }

  /** The 4-aligned words of `bytes` (from index `wordsStart`), made once per chunk (the decoder forgets it after each). */
  private wordsOf(bytes: Uint8Array): Int32Array {
    if (this.wordsFor === bytes && this.words !== null) return this.words;
    const start = (4 - (bytes.byteOffset & 3)) & 3;
    this.words = new Int32Array(bytes.buffer, bytes.byteOffset + start, Math.max(0, (bytes.length - start) >> 2));
    this.wordsFor = bytes;
    this.wordsStart = start;
    return this.words;
  }

  /** Looks at the bytes of word `x` (at index `at`) that are not printable ASCII; returns where the run ends, or -1. */
  private wordAt(bytes: Uint8Array, at: number, x: number): number {
    if (!LITTLE_ENDIAN) {
      for (let k = at; k < at + 4; k += 1) {
        const end = this.byteAt(bytes, k);
        if (end >= 0) return end;
      }
      return -1;
    }
    // exact marks, each from its byte alone (the sums of 7-bit halves never carry): the high bit of each byte
    // >= 0x80 (x), < 0x20 (not low + 0x60) or 0x7f (low + 1); read lowest first, that is in memory order
    const low = x & 0x7f7f7f7f;
    let m = (x | ~((low + 0x60606060) | 0) | ((low + 0x01010101) | 0)) & 0x80808080;
    while (m !== 0) {
      const bit = m & -m;
      const end = this.byteAt(bytes, at + ((31 - Math.clz32(bit)) >> 3));
      if (end >= 0) return end;
      m ^= bit;
    }
    return -1;
  }

  /** Looks at byte `i` (noting a `\n`); returns where the run ends if the byte ends it, or -1. */
  private byteAt(bytes: Uint8Array, i: number): number {
    const kind = KIND[bytes[i]!];
    if (kind === KEPT) return -1;
    if (kind === NEWLINE) {
      if (this.newlines === MAX_RUN_LINES) return this.newlineAt[MAX_RUN_LINES - 1]! + 1;
      this.newlineAt[this.newlines] = i;
      this.newlines += 1;
      return -1;
    }
    if (kind === RETURN && (i + 1 === bytes.length || bytes[i + 1] === CR || bytes[i + 1] === LF)) return -1;
    return i;
  }
}
