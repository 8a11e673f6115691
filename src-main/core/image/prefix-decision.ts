import { complement, dataIn, MAP_ALIGNMENT, partitionsOf, planSlice, type Slice } from './allocation-map.js';
import { alignRanges, type ByteRange, intersectRanges, mergeRanges } from './byte-ranges.js';
import type { DiskReader } from './disk-reader.js';

/**
 * What the first bytes of a disk image (still arriving, e.g. from a decompressor) decide about the card: below
 * `decidedTo`, exactly the allocation map's ranges (`ranges`) are needed and every other byte is known free; from
 * `decidedTo` on, nothing is decided yet. `decidedTo` is a decision frontier, not a data frontier: a decided range
 * may still lack its bytes (the writer waits for them), and it never decreases as the prefix grows.
 */
export interface PrefixDecision {
  decidedTo: number;
  ranges: ByteRange[];
}

/** Thrown by the prefix reader when a read needs bytes that have not arrived yet. */
class NotYet extends Error {}

/** A reader over the bytes seen so far of an image of `size` bytes: past `size` zeros, past the prefix NotYet. */
function prefixReader(prefix: Uint8Array, size: number): DiskReader {
  return {
    size,
    read(offset, length) {
      if (Math.min(offset + length, size) > prefix.length) throw new NotYet();
      const out = new Uint8Array(length);
      if (offset < prefix.length) out.set(prefix.subarray(offset, Math.min(prefix.length, offset + length)));
      return out;
    },
  };
}

/** One piece of the layout, decided as a whole: a partition table, a partition, or a gap between them. */
type Segment = { key: string; offset: number; decide: () => ByteRange[] };

/**
 * What earlier calls decided, by piece (kept by the caller across calls on a growing prefix of one image): a decided
 * piece's bytes never change, so it is not read again.
 */
export type DecisionMemo = Map<string, ByteRange[]>;

/**
 * Decides as much of the card as the first `prefix.length` bytes of a `size`-byte image allow, in image order: the
 * partition tables as soon as they are read, each partition once the metadata its allocation is read from has
 * arrived (a FAT's tables, an ext superblock, group descriptors and bitmaps), each gap once all of it has arrived or
 * it shows a non-zero byte. The first undecided piece stops the frontier, so a writer going in order writes only what
 * the whole image's allocation map would write (every read either sees the final bytes or waits), and buffers the
 * rest. Without a bmap only (a bmap's ranges are checked against the whole image first).
 */
export function decidePrefix(prefix: Uint8Array, size: number, memo?: DecisionMemo): PrefixDecision {
  const disk = prefixReader(prefix, size);
  let layout: ReturnType<typeof partitionsOf>;
  try {
    layout = partitionsOf(disk);
  } catch (error) {
    if (error instanceof NotYet) return { decidedTo: 0, ranges: [] };
    throw error;
  }
  const covered = mergeRanges([...layout.tables, ...layout.slices.map((s) => ({ offset: s.offset, length: s.bytes }))]);
  const segments: Segment[] = [
    ...layout.tables.map((t) => ({ key: `table ${t.offset} ${t.length}`, offset: t.offset, decide: () => [t] })),
    ...layout.slices.map((s: Slice) => ({ key: `slice ${s.offset} ${s.bytes} ${s.name}`, offset: s.offset, decide: () => planSlice(disk, s).ranges })),
    ...complement(covered, size).map((g) => ({ key: `gap ${g.offset} ${g.length}`, offset: g.offset, decide: () => dataIn(disk, g) })),
  ].sort((a, b) => a.offset - b.offset);
  const decided: ByteRange[] = [];
  let frontier = size;
  for (const segment of segments) {
    try {
      const known = memo?.get(segment.key);
      const ranges = known ?? segment.decide();
      if (!known) memo?.set(segment.key, ranges);
      decided.push(...ranges);
    } catch (error) {
      if (!(error instanceof NotYet)) throw error;
      frontier = segment.offset;
      break;
    }
  }
  // An aligned frontier: no range of a later piece, widened to the alignment, reaches below it.
  const decidedTo = frontier >= size ? size : Math.floor(frontier / MAP_ALIGNMENT) * MAP_ALIGNMENT;
  const aligned = alignRanges(decided, MAP_ALIGNMENT, size);
  // Once all is decided, the last range may run past the image's end to the alignment (padded with zeros), as in the map.
  const clip = decidedTo >= size ? Math.ceil(size / MAP_ALIGNMENT) * MAP_ALIGNMENT : decidedTo;
  return { decidedTo, ranges: intersectRanges(aligned, [{ offset: 0, length: clip }]) };
}
