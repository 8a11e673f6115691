/** A run of bytes of a disk image: [offset, offset + length). */
export interface ByteRange {
  offset: number;
  length: number;
}

/** Sorts ranges and merges the ones that overlap or touch. */
export function mergeRanges(ranges: ByteRange[]): ByteRange[] {
  const sorted = ranges.filter((r) => r.length > 0).sort((a, b) => a.offset - b.offset);
  const out: ByteRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.offset <= last.offset + last.length) {
      last.length = Math.max(last.length, r.offset + r.length - last.offset);
    } else {
      out.push({ offset: r.offset, length: r.length });
    }
  }
  return out;
}

/** Widens every range to whole multiples of `alignment` (clamped to `limit`, itself rounded up) and merges them. */
export function alignRanges(ranges: ByteRange[], alignment: number, limit: number): ByteRange[] {
  const end = Math.ceil(limit / alignment) * alignment;
  return mergeRanges(
    ranges.map((r) => {
      const start = Math.floor(r.offset / alignment) * alignment;
      const stop = Math.min(end, Math.ceil((r.offset + r.length) / alignment) * alignment);
      return { offset: start, length: stop - start };
    }),
  );
}

/** Total bytes of a list of ranges. */
export function rangesBytes(ranges: ByteRange[]): number {
  return ranges.reduce((s, r) => s + r.length, 0);
}

/** Ranges of a bitmap of units (bit i set = unit i used), each unit `unitBytes` long, starting at byte `base`. */
export function bitmapRanges(isUsed: (unit: number) => boolean, units: number, unitBytes: number, base: number): ByteRange[] {
  const out: ByteRange[] = [];
  let runStart = -1;
  for (let u = 0; u <= units; u += 1) {
    const used = u < units && isUsed(u);
    if (used && runStart < 0) runStart = u;
    if (!used && runStart >= 0) {
      out.push({ offset: base + runStart * unitBytes, length: (u - runStart) * unitBytes });
      runStart = -1;
    }
  }
  return out;
}

/** The bytes two lists of ranges have in common (both merged first). */
export function intersectRanges(a: ByteRange[], b: ByteRange[]): ByteRange[] {
  const x = mergeRanges(a);
  const y = mergeRanges(b);
  const out: ByteRange[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const start = Math.max(x[i]!.offset, y[j]!.offset);
    const end = Math.min(x[i]!.offset + x[i]!.length, y[j]!.offset + y[j]!.length);
    if (end > start) out.push({ offset: start, length: end - start });
    if (x[i]!.offset + x[i]!.length < y[j]!.offset + y[j]!.length) i += 1;
    else j += 1;
  }
  return out;
}
