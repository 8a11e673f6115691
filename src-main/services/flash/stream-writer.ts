import { XXHash64 } from 'xxhash-addon';
import { alignRanges, type ByteRange, intersectRanges } from '../../core/image/byte-ranges.js';
import { complement, MAP_ALIGNMENT } from '../../core/image/allocation-map.js';
import { tablesInPrefix } from '../../core/image/prefix-tables.js';
import { type DecisionMemo, decidePrefix, type PrefixDecision } from '../../core/image/prefix-decision.js';
import { type CardJob, type CardOutcome, CHUNK_BYTES, openCardDevice, syncDevice } from './card-device.js';
import { rereadPartitions } from './partition-reread.js';
import { CancelledError, explainCardError, verificationFailed } from './errors.js';
import { etcher } from './etcher.js';
import type { GrowingImage } from './growing-image.js';
import { firstDifference } from './range-writer.js';
import { backupGptClear } from './region-writer.js';

/** One write: `length` bytes at `offset`, from the image (zeros past its end) or zeros. */
interface Piece {
  offset: number;
  length: number;
  zeros: boolean;
}

/**
 * What a card holds back until the whole stream was checked, widened to the alignment: the partition tables and
 * everything before the first partition (a boot ROM reads some boot loaders at raw offsets there: with the stream
 * failed, nothing of the image may start); and of that, what is zeroed first (the tables: where the card's own are).
 * An image whose tables cannot be read from its first MiB holds back its first CHUNK_BYTES.
 */
function heldOf(image: GrowingImage, alignment: number): { held: ByteRange[]; cleared: ByteRange[] } {
  const align = (r: ByteRange[]): ByteRange[] => alignRanges(r, Math.max(alignment, MAP_ALIGNMENT), image.size);
  const found = tablesInPrefix(image.data.subarray(0, image.available), image.size);
  if (found === null) {
    const first = [{ offset: 0, length: Math.min(CHUNK_BYTES, image.size) }];
    return { held: first, cleared: first };
  }
  const head = found.firstPartition > 0 ? [{ offset: 0, length: found.firstPartition }] : [];
  return { held: align([...head, ...found.tables]), cleared: align(found.tables) };
}

/** Bytes that must arrive between two decisions while the frontier waits for them. */
const DECIDE_STEP = 1 << 20;

/** Splits ranges into writes of at most CHUNK_BYTES. */
function piecesOf(ranges: ByteRange[]): Piece[] {
  const out: Piece[] = [];
  for (const r of ranges) {
    for (let at = r.offset; at < r.offset + r.length; at += CHUNK_BYTES) {
      out.push({ offset: at, length: Math.min(CHUNK_BYTES, r.offset + r.length - at), zeros: false });
    }
  }
  return out;
}

/** Settles at the image's next change, or at once when the card is cancelled (a stalled source never holds it). */
function changedOrAborted(image: GrowingImage, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    void image.changed().then(done);
  });
}

/** What the bytes arrived so far decide; an image whose tables cannot be read is written whole once it has all arrived. */
function decide(image: GrowingImage, available: number, all: boolean, memo: DecisionMemo): PrefixDecision {
  try {
    return decidePrefix(image.data.subarray(0, available), image.size, memo);
  } catch {
    return all ? { decidedTo: image.size, ranges: [{ offset: 0, length: image.size }] } : { decidedTo: 0, ranges: [] };
  }
}

/**
 * Writes a card sparse from an image still inflating (see GrowingImage), through etcher-sdk's BlockDevice like every
 * writer: the ranges the allocation map of the bytes arrived so far settles are written in order as soon as their bytes
 * are there; first the card's own partition tables are zeroed (and the stale backup GPT of a larger card), and the
 * piece holding the image's is written last, only once the whole stream ended and passed its checks (a corrupt or
 * truncated source fails the card with its cause, and leaves it with no partition table at all: it never looks
 * bootable). Then the card's cache is flushed and exactly the ranges written are read back.
 */
export async function writeGrowing(job: CardJob, image: GrowingImage): Promise<CardOutcome> {
  const { createAlignedBuffer } = etcher();
  const { drive, signal } = job;
  const dest = await openCardDevice(job);
  let offset: number | null = null;
  try {
    const alignment = dest.getAlignment() ?? 4096;
    const end = Math.ceil(image.size / alignment) * alignment;
    const buffer = createAlignedBuffer(CHUNK_BYTES, alignment) as unknown as Buffer;
    const fill = (p: Piece, into: Buffer): Buffer => {
      const view = into.subarray(0, p.length);
      view.fill(0);
      if (!p.zeros) view.set(image.data.subarray(p.offset, Math.min(image.size, p.offset + p.length)));
      return view;
    };
    const written: { piece: Piece; hash: string | null }[] = [];
    let bytes = 0;
    let total = image.size;
    /** Zeros over a piece that is written again later (not read back: the later write is). */
    const clear = async (p: Piece): Promise<void> => {
      if (signal.aborted) throw new CancelledError();
      offset = p.offset;
      await dest.write(fill({ ...p, zeros: true }, buffer), 0, p.length, p.offset);
    };
    const put = async (p: Piece): Promise<void> => {
      if (signal.aborted) throw new CancelledError();
      offset = p.offset;
      const data = fill(p, buffer);
      written.push({ piece: p, hash: job.verify ? XXHash64.hash(data).toString('hex') : null });
      await dest.write(buffer, 0, p.length, p.offset);
      bytes += p.length;
      job.onProgress('write', bytes, Math.max(total, bytes));
    };
    // A source that failed already (a card added to its session afterwards) never touches the card.
    if (image.failure) throw image.failure;
    const { held, cleared } = heldOf(image, alignment);
    const streamed = complement(held, end);
    // Before any byte of the image: the card's own partition tables go (where the image's will be, and the stale backup
    // GPT at a larger card's end), so a card whose stream fails is left with none, never with an old table pointing at
    // half-written partitions (a firmware or gdisk would rebuild a primary GPT from a backup left at the end).
    for (const p of piecesOf(cleared)) await clear(p);
    if (drive.size !== null && drive.size > end) {
      const from = Math.max(backupGptClear(drive.size, alignment).offset, end);
      await put({ offset: from, length: drive.size - from, zeros: true });
    }
    let cursor = 0;
    let ranges: ByteRange[] = [];
    let decision: PrefixDecision = { decidedTo: 0, ranges: [] };
    let decidedAt = 0;
    const memo: DecisionMemo = new Map();
    /** The prefix the next decision reads: at least doubling each time, and a step past the frontier. */
    const nextPrefix = (available: number): number => Math.min(available, Math.max(2 * decidedAt, decision.decidedTo + DECIDE_STEP));
    /** Whether a decision on `prefix` can move the frontier (its bytes reach it, and a step more than last time). */
    const decisionDue = (prefix: number): boolean => prefix >= decision.decidedTo && prefix - decidedAt >= DECIDE_STEP;
    for (;;) {
      if (signal.aborted) throw new CancelledError();
      if (image.failure) throw image.failure;
      const all = image.finished;
      const available = image.available;
      // Deciding reads the prefix's metadata again: on a prefix at least doubling each time and a step past the frontier
      // (the first pieces are decided, and written, before the metadata of the rest is read).
      const prefix = all ? image.size : nextPrefix(available);
      if (all ? decidedAt < image.size : decisionDue(prefix)) {
        decision = decide(image, prefix, all, memo);
        decidedAt = prefix;
        ranges = alignRanges(decision.ranges, alignment, image.size);
        const settled = ranges.reduce((s, r) => s + r.length, 0);
        total = all ? settled : settled + Math.max(0, image.size - decision.decidedTo);
      }
      const limit = all ? end : Math.floor(Math.min(decision.decidedTo, available) / alignment) * alignment;
      const todo = limit > cursor ? intersectRanges(intersectRanges(ranges, streamed), [{ offset: cursor, length: limit - cursor }]) : [];
      for (const p of piecesOf(todo)) await put(p);
      cursor = Math.max(cursor, limit);
      if (all) break;
      // Nothing to write: wait for more bytes, unless those arrived already decide more of the card.
      if (todo.length === 0 && !decisionDue(nextPrefix(image.available))) await changedOrAborted(image, signal);
    }
    // The whole stream was checked: now the partition tables and what lies before the first partition.
    await image.done;
    for (const p of piecesOf(intersectRanges(ranges, held))) await put(p);
    await syncDevice(dest);
    let verified = false;
    if (job.verify) {
      let read = 0;
      for (const { piece: p, hash } of written) {
        if (signal.aborted) throw new CancelledError();
        offset = p.offset;
        await dest.read(buffer, 0, p.length, p.offset);
        if (XXHash64.hash(buffer.subarray(0, p.length)).toString('hex') !== hash) {
          const want = fill(p, Buffer.alloc(p.length));
          throw verificationFailed(drive.device, p.offset + firstDifference(buffer.subarray(0, p.length), want));
        }
        read += p.length;
        job.onProgress('verify', read, bytes);
      }
      verified = true;
    }
    return { bytes, verified };
  } catch (error) {
    if (signal.aborted) throw new CancelledError();
    throw explainCardError(drive.device, offset, error);
  } finally {
    await dest.close().catch(() => undefined);
    rereadPartitions(drive.device);
  }
}
