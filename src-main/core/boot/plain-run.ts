/**
 * How far console bytes stay plain text lines, checked four bytes at a time: the decoder's fast path cuts lines out
 * of such a run with string searches instead of walking each byte in JS (a JS byte loop costs ~2.5 ns a byte; a word
 * test that clears four bytes at once, a small fraction of that: only the rare tabs, `\r`s and the rest are looked
 * at one by one).
 *
 * A run is made of printable ASCII, tabs, `\n`s and `\r`s that only end a line (followed by more `\r`s or the `\n`),
 * so each of its lines is exactly what the byte machine would make of it: the bytes before the `\r`s.
 */

const LF = 0x0a;
const CR = 0x0d;

/** By byte: 1 for a byte a plain run takes as is (printable ASCII, a tab, `\n`), 2 for `\r` (plain before `\r` or `\n`). */
const KIND = new Uint8Array(256);
for (let b = 0x20; b < 0x7f; b += 1) KIND[b] = 1;
KIND[0x09] = 1;
KIND[LF] = 1;
KIND[CR] = 2;

/** Below this many bytes, the words view costs more than it saves. */
const MIN_WORDS_RUN = 64;

/** On a little-endian machine a word's lowest byte is its first in memory, so its marks are read lowest bit first. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The bytes of word `x` a plain run must look at: the high bit of each byte that is < 0x20 (but `\n`) or >= 0x7f.
 * Each byte's mark depends on that byte alone (sums of 7-bit halves never carry), so the marks are exact:
 * `x` marks bytes >= 0x80; `~(low + 0x60)` those < 0x20, `low + 0x01` 0x7f, and `(x ^ 0x0a)` keeps all but `\n`s.
 */
function marks(x: number): number {
  const low = x & 0x7f7f7f7f;
  const notLf = x ^ 0x0a0a0a0a;
  const nonZero = (((notLf & 0x7f7f7f7f) + 0x7f7f7f7f) | 0) | notLf;
  return (x | ~((low + 0x60606060) | 0) | ((low + 0x01010101) | 0)) & nonZero & 0x80808080;
}

/**
 * The end of the plain run of `bytes` from `from`: the index of its first byte that is not plain (a control byte, a
 * redrawing `\r`, a non-ASCII byte), or the length. A `\r` at the very end counts as plain: whether it ends a line or
 * redraws it is known with the next chunk, and the line it belongs to has no `\n` in this one.
 */
export function plainRunEnd(bytes: Uint8Array, from: number): number {
  const length = bytes.length;
  let i = from;
  if (length - from >= MIN_WORDS_RUN) {
    // bytes up to the first 4-aligned address, then whole words, then the tail byte by byte
    const first = from + ((4 - ((bytes.byteOffset + from) & 3)) & 3);
    const count = (length - first) >> 2;
    const words = new Int32Array(bytes.buffer, bytes.byteOffset + first, count);
    for (; i < first; i += 1) if (!plainAt(bytes, i)) return i;
    let w = 0;
    for (; w + 1 < count; w += 2) {
      const x = words[w]!;
      const y = words[w + 1]!;
      // a quick test of two words first (a high bit for each byte >= 0x80, 0x7f or < 0x20, carries can add some):
      // most pairs pass it, the others are looked at exactly
      const quick = x | y | ((x + 0x01010101) | 0) | ((y + 0x01010101) | 0) | (((x - 0x20202020) | 0) & ~x) | (((y - 0x20202020) | 0) & ~y);
      if ((quick & 0x80808080) === 0) continue;
      const bad = firstMarked(bytes, first + 4 * w, marks(x));
      if (bad >= 0) return bad;
      const badToo = firstMarked(bytes, first + 4 * w + 4, marks(y));
      if (badToo >= 0) return badToo;
    }
    for (; w < count; w += 1) {
      const bad = firstMarked(bytes, first + 4 * w, marks(words[w]!));
      if (bad >= 0) return bad;
    }
    i = first + 4 * count;
  }
  for (; i < length; i += 1) if (!plainAt(bytes, i)) return i;
  return length;
}

/** The first byte of the word at `at` with mark bits `m` that ends a plain run (a tab, a `\r` before `\n` do not), or -1. */
function firstMarked(bytes: Uint8Array, at: number, m: number): number {
  if (m === 0) return -1;
  if (!LITTLE_ENDIAN) {
    for (let k = at; k < at + 4; k += 1) if (!plainAt(bytes, k)) return k;
    return -1;
  }
  // the marked bytes in memory order: the lowest mark bit first
  while (m !== 0) {
    const bit = m & -m;
    const k = at + ((31 - Math.clz32(bit)) >> 3);
    if (!plainAt(bytes, k)) return k;
    m ^= bit;
  }
  return -1;
}

/** Whether byte `i` belongs to a plain run. */
function plainAt(bytes: Uint8Array, i: number): boolean {
  const kind = KIND[bytes[i]!];
  if (kind === 1) return true;
  if (kind !== 2 || i + 1 === bytes.length) return kind === 2;
  const next = bytes[i + 1];
  return next === CR || next === LF;
}
