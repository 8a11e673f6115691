import { randomUUID } from 'node:crypto';
import { ApiError } from '../../api/errors.js';
import { blockingMessage, checkDrive, LARGE_DRIVE_BYTES } from '../../core/drives/constraints.js';
import { formatBytes } from '../../core/util/format.js';
import type { DriveIdentity } from '../../core/drives/drive.js';
import { recheckIdentity } from '../../core/drives/identity.js';
import { type CardPhase, type CardProgress, type CardResult, etaSeconds, sampleSpeed, type SpeedWindow } from '../../core/flash/progress.js';
import type { JournalLine, JournalRecord } from '../../core/journal/record.js';
import type { Journal } from '../journal/journal.js';
import type { DriveWatcher } from '../drives/drive-watcher.js';
import type { CardJob, CardOutcome } from './card-device.js';
import { prepareRawImage, type RawImage } from './decompress.js';
import { type GrowingImage, InflatedPastTrailer } from './growing-image.js';
import { tablesInPrefix } from '../../core/image/prefix-tables.js';
import { type PreparedCard, prepareCardSource } from '../card/card-source.js';
import { imageSha256 } from './image-hash.js';
import { CancelledError } from './errors.js';
import { entryRequired, type ImageInfo, inspectImage } from './image-inspect.js';
import type { ByteRange } from '../../core/image/byte-ranges.js';
import type { Bmap } from '../../core/image/bmap.js';
import type { WriteMode } from '../../core/journal/record.js';
import { bmapBeside, checkBmap, loadBmap } from './bmap-source.js';
import { mapImageData, mapImageFile, mapImageFileSaved } from './image-map.js';

/** How a session's disk image goes to each card: the mode journaled, and the ranges written (null: every byte). */
interface WritePlan {
  mode: WriteMode;
  ranges: ByteRange[] | null;
  /** A sparse write of an image still inflating: the ranges are settled as its bytes arrive (stream-writer). */
  growing?: GrowingImage;
}

/** What the flash service needs from the outside world (real parts in the app, fakes in unit tests). */
export interface FlashDeps {
  watcher: Pick<DriveWatcher, 'refresh' | 'recent'>;
  journal: Pick<Journal, 'append' | 'self'>;
  cacheDir: string;
  includeVirtual: () => boolean;
  /** The large-drive limit in force (a setting): cards above it need an explicit confirmation. Default 128 GB. */
  largeDriveBytes?: () => number;
  writeCard: (job: CardJob) => Promise<CardOutcome>;
  onProgress: (p: CardProgress & { sessionId: string }) => void;
  onCardDone: (sessionId: string, result: CardResult) => void;
  onSessionDone: (sessionId: string, results: CardResult[]) => void;
  now?: () => number;
}

interface Card {
  identity: DriveIdentity;
  progress: CardProgress;
  speed: SpeedWindow;
  lastEmit: number;
  abort: AbortController;
  result: CardResult | null;
  started: number;
}

/** A flash session: one image, any number of cards, each with its own pipeline. */
interface Session {
  id: string;
  image: ImageInfo;
  verify: boolean;
  confirmLarge: boolean;
  /** --full: every byte of a disk image, instead of its allocation map. */
  full: boolean;
  /** The bmap to honour (given with --bmap or found beside the image), if any. */
  bmap: { path: string; map: Bmap } | null;
  /** How the disk image is written, once the raw image is ready (its allocation map, its bmap, or in full). */
  plan: WritePlan;
  cards: Map<string, Card>;
  /** The raw image every card is written from, or the card built from an archive of files (written sparse). */
  raw: Promise<RawImage | PreparedCard>;
  /**
   * The image's sha256, hashed in a worker from the first byte a card writes (a worker starting earlier competes for
   * the CPU with the decompression and the card's start), or when a card ends without writing.
   */
  sha256: () => Promise<string | null>;
  /** The image's sha256 once known (journaled with the attempts that start after it is). */
  sha256Known: string | null;
  abort: AbortController;
  running: Set<Promise<void>>;
  finished: boolean;
}

/** A snapshot of a session for the API. */
export interface SessionSnapshot {
  sessionId: string;
  image: ImageInfo;
  verify: boolean;
  cards: (CardProgress & { sessionId: string })[];
  results: CardResult[];
  finished: boolean;
}

const EMIT_INTERVAL_MS = 250;
/** A progress checkpoint goes to the journal every tenth of the image, or at least this often, while writing. */
const CHECKPOINT_FRACTION = 0.1;
const CHECKPOINT_INTERVAL_MS = 60_000;

/**
 * Runs flash sessions. The image is decompressed once (to the cache) and every card is then written from the raw
 * file by its own pipeline: cards run at their own pace, can be added while others write, and fail or cancel
 * alone. Every attempt is journaled (fsynced) the moment it ends.
 */
export class FlashService {
  private readonly sessions = new Map<string, Session>();
  private readonly now: () => number;

  constructor(private readonly deps: FlashDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Starts a session; rejects before any byte is written when the image or a card is refused. */
  async start(input: {
    image: string;
    entry?: string | undefined;
    drives: DriveIdentity[];
    verify: boolean;
    confirmLarge: boolean;
    growToCard?: boolean;
    full?: boolean;
    bmap?: string | undefined;
  }, again = false): Promise<SessionSnapshot> {
    const image = await inspectImage(input.image, input.entry);
    if (image.kind === 'zip' && image.entry === null && !image.card) throw entryRequired(image);
    if (image.card && input.full) {
      throw new ApiError(
        'bad-request',
        `${image.name} is an archive of files: the card built from it is always written sparse (--full applies to disk images)`,
        'drop --full, or write a disk image',
      );
    }
    if (input.bmap !== undefined && (image.card || input.full)) {
      throw new ApiError('bad-request', `--bmap applies to a disk image written sparse, not ${image.card ? 'to an archive of files' : 'with --full'}`, 'drop --bmap');
    }
    const bmapPath = image.card || input.full ? null : (input.bmap ?? bmapBeside(image.path));
    const bmap = bmapPath === null ? null : { path: bmapPath, map: await loadBmap(bmapPath) };
    const devices = input.drives.map((d) => d.device);
    const dup = devices.find((d, i) => devices.indexOf(d) !== i);
    if (dup) throw new ApiError('bad-request', `${dup} is selected twice`);
    await this.refuseIneligible(image, input.drives, input.confirmLarge);
    const abort = new AbortController();
    const session: Session = {
      id: randomUUID(),
      image,
      verify: input.verify,
      confirmLarge: input.confirmLarge,
      full: input.full ?? false,
      bmap,
      plan: { mode: 'full', ranges: null },
      cards: new Map(),
      raw: image.card
        ? prepareCardSource(image, { growToCard: input.growToCard ?? false })
        : prepareRawImage(image, this.deps.cacheDir, {
            onProgress: (done, total) => this.decompressProgress(session, done, total),
            signal: abort.signal,
            largestCard: largestCard(input.drives),
          }),
      sha256: once(() => {
        const hashing = imageSha256(image.path, this.deps.cacheDir).catch(() => null);
        void hashing.then((h) => (session.sha256Known = h));
        return hashing;
      }),
      sha256Known: null,
      abort,
      running: new Set(),
      finished: false,
    };
    // The raw image must be ready (and valid) before any card is touched: a corrupt source fails the whole session
    // with its cause, and nothing is written.
    session.raw.catch(() => undefined);
    this.sessions.set(session.id, session);
    const cards = input.drives.map((identity) => this.newCard(session, identity));
    try {
      await session.raw;
    } catch (error) {
      // Not a card attempt: nothing was written, nothing is journaled; the caller gets the cause. A session cancelled
      // while decompressing goes on instead: each card ends (and is journaled) as cancelled, with nothing written.
      if (!abort.signal.aborted) {
        this.sessions.delete(session.id);
        // A .gz found inflating past its trailer's size since it was checked: again, the image then checked whole.
        if (!again && error instanceof InflatedPastTrailer) return this.start(input, true);
        throw error;
      }
    }
    try {
      session.plan = await this.planOf(session);
    } catch (error) {
      // A bmap that does not match the image refuses the session: nothing was written.
      this.sessions.delete(session.id);
      // A .gz that inflated past its trailer's size (several members) before any card was touched: the session starts
      // again, the image then checked whole (its real size, which may refuse a card as too small).
      const raw = await session.raw.catch(() => null);
      if (!again && raw !== null && 'growing' in raw && raw.growing?.oversize) return this.start(input, true);
      throw error;
    }
    for (const card of cards) this.launch(session, card);
    return this.snapshot(session);
  }

  /** Adds a card to a running session (it starts at once, from the raw image). */
  async add(sessionId: string, identity: DriveIdentity, confirmLarge: boolean): Promise<SessionSnapshot> {
    const session = this.get(sessionId);
    if (session.finished) throw new ApiError('refused', 'this flash session has finished: start a new one');
    if (session.cards.has(identity.device)) {
      const existing = session.cards.get(identity.device)!;
      if (existing.result === null) throw new ApiError('refused', `${identity.device} is already being written`);
    }
    const failed = session.plan.growing?.failure;
    if (failed) throw new ApiError('refused', `${failed.message}: no card is added to this session`, 'fix the image, then start a new flash');
    await this.refuseIneligible(session.image, [identity], confirmLarge || session.confirmLarge);
    this.launch(session, this.newCard(session, identity));
    return this.snapshot(session);
  }

  /** Cancels one card, or all cards of the session. */
  cancel(sessionId: string, device?: string): SessionSnapshot {
    const session = this.get(sessionId);
    if (device !== undefined) {
      const card = session.cards.get(device);
      if (!card) throw new ApiError('not-found', `${device} is not part of this flash session`);
      card.abort.abort();
    } else {
      session.abort.abort();
      for (const card of session.cards.values()) card.abort.abort();
    }
    return this.snapshot(session);
  }

  /** The current state of a session. */
  status(sessionId: string): SessionSnapshot {
    return this.snapshot(this.get(sessionId));
  }

  /** Cancels every card of every session and waits until each is journaled (the backend's shutdown). */
  async shutdown(): Promise<void> {
    for (const session of this.sessions.values()) {
      session.abort.abort();
      for (const card of session.cards.values()) card.abort.abort();
    }
    await Promise.allSettled([...this.sessions.values()].flatMap((s) => [s.raw, s.raw.then((r) => ('written' in r ? r.written : undefined)), ...s.running]));
    for (const session of this.sessions.values()) {
      while (session.running.size > 0) await Promise.allSettled([...session.running]);
    }
  }

  /** Waits for every card of every session (used at shutdown and by the CLI). */
  async settle(sessionId: string): Promise<CardResult[]> {
    const session = this.get(sessionId);
    while (session.running.size > 0) await Promise.allSettled([...session.running]);
    return [...session.cards.values()].map((c) => c.result!).filter(Boolean);
  }

  private get(sessionId: string): Session {
    const s = this.sessions.get(sessionId);
    if (!s) throw new ApiError('not-found', `no flash session ${sessionId}`);
    return s;
  }

  /** How a session's raw disk image is written: its bmap (checked against it), its allocation map, or in full. */
  private async planOf(session: Session): Promise<WritePlan> {
    const full: WritePlan = { mode: 'full', ranges: null };
    if (session.image.card) return full;
    if (session.full) {
      // Every byte, from the cache file: a stream that fails refuses the session before any card is touched.
      const raw = await session.raw.catch(() => null);
      if (raw !== null && 'growing' in raw && raw.growing) await wholeImage(raw.growing);
      return full;
    }
    const raw = await session.raw.catch(() => null);
    if (raw === null || 'regionsFor' in raw) return full;
    // A .gz still inflating is written as it arrives; a bmap is checked against the whole image once it is there.
    if (raw.growing && !session.bmap && (await hasTables(raw.growing))) return { mode: 'sparse', ranges: null, growing: raw.growing };
    if (raw.growing) await wholeImage(raw.growing);
    if (session.bmap) {
      const ranges = await checkBmap(session.bmap.map, session.bmap.path, raw.data ?? raw.path, raw.size, session.image.name);
      // A bmap made from a sparse file leaves out the all-zero blocks of the GPT, of the FATs and of the ext bitmaps: a
      // stale card would keep garbage there. The bmap decides only where walt-bench cannot read the allocation.
      return { mode: 'bmap', ranges: (raw.data ? mapImageData(raw.data, ranges) : mapImageFile(raw.path, ranges)).ranges };
    }
    try {
      const map = raw.data ? mapImageData(raw.data) : mapImageFileSaved(raw.path, this.deps.cacheDir);
      // Nothing to skip (no partition table nor filesystem it understands): the streamed writer writes it whole.
      return map.bytes < map.size ? { mode: 'sparse', ranges: map.ranges } : full;
    } catch {
      // An image whose tables cannot be read is still an image: every byte of it is written.
      return full;
    }
  }

  private largeDriveBytes(): number {
    return this.deps.largeDriveBytes?.() ?? LARGE_DRIVE_BYTES;
  }

  private async refuseIneligible(image: ImageInfo, drives: DriveIdentity[], confirmLarge: boolean): Promise<void> {
    // A list taken in the last 250 ms (the CLI's drives.list, just before) is as fresh as one taken now when sysfs still
    // gives the selected cards the same size and read-only flag: one lsblk per flash.
    const current = await this.deps.watcher.recent(undefined, drives.map((d) => d.device));
    const refusals: string[] = [];
    for (const selected of drives) {
      const check = recheckIdentity(selected, current);
      if (!check.ok) {
        refusals.push(check.message);
        continue;
      }
      const largeDriveBytes = this.largeDriveBytes();
      const e = checkDrive(check.drive, {
        imageSize: image.sizeIsEstimate ? null : image.size,
        sourceDevices: image.sourceDevices,
        includeVirtual: this.deps.includeVirtual(),
        largeDriveBytes,
      });
      if (!e.eligible) refusals.push(blockingMessage(e));
      else if (e.needsConfirm && !confirmLarge) {
        refusals.push(
          `${selected.device} is larger than the large-drive limit (${+(largeDriveBytes / 1e9).toFixed(1)} GB = ${formatBytes(largeDriveBytes)}, a setting): confirm it explicitly (--allow-large in the CLI)`,
        );
      }
    }
    if (refusals.length > 0) throw new ApiError('refused', refusals.join('; '), 'nothing was written');
  }

  private newCard(session: Session, identity: DriveIdentity): Card {
    const card: Card = {
      identity,
      progress: { device: identity.device, phase: 'queued', bytes: 0, total: null, speed: 0, eta: null },
      speed: { samples: [] },
      lastEmit: 0,
      abort: new AbortController(),
      result: null,
      started: this.now(),
    };
    session.cards.set(identity.device, card);
    return card;
  }

  private launch(session: Session, card: Card): void {
    card.started = this.now();
    const run = this.runCard(session, card).finally(() => {
      session.running.delete(run);
      this.maybeFinish(session);
    });
    session.running.add(run);
  }

  private async runCard(session: Session, card: Card): Promise<void> {
    let bytes = 0;
    let verified = false;
    let error: unknown = null;
    const attempt = randomUUID();
    let started = false;
    let mode: WriteMode = session.image.card ? 'sparse' : session.plan.mode;
    const base = (): Omit<JournalRecord, 'result' | 'bytes' | 'durationMs' | 'averageSpeed' | 'verified' | 'error'> => ({
      time: new Date(card.started).toISOString(),
      device: card.identity.device,
      size: card.identity.size,
      description: card.identity.description,
      serial: card.identity.serial,
      imageName: session.image.entry ? `${session.image.name}:${session.image.entry}` : session.image.name,
      imageSha256: session.sha256Known,
      // Only an attempt that reached its card was written in some mode.
      ...(started ? { mode } : {}),
    });
    const timing = (): { durationMs: number; averageSpeed: number } => {
      const durationMs = this.now() - card.started;
      return { durationMs, averageSpeed: durationMs > 0 ? Math.round((bytes / durationMs) * 1000) : 0 };
    };
    const checkpoints = { bytes: 0, at: this.now(), phase: 'write' as CardPhase };
    const checkpoint = (phase: 'write' | 'verify', total: number): void => {
      const due =
        phase !== checkpoints.phase ||
        bytes - checkpoints.bytes >= total * CHECKPOINT_FRACTION ||
        (bytes > checkpoints.bytes && this.now() - checkpoints.at >= CHECKPOINT_INTERVAL_MS);
      if (!due) return;
      Object.assign(checkpoints, { bytes, at: this.now(), phase });
      this.journal({ attempt, result: 'progress', bytes, ...timing(), imageSha256: session.sha256Known }, false);
    };
    try {
      const raw = await session.raw;
      if (card.abort.signal.aborted) throw new CancelledError();
      // Identity re-check right before opening: the card in the slot must still be the one selected.
      const current = await this.deps.watcher.recent(undefined, [card.identity.device]);
      const check = recheckIdentity(card.identity, current);
      if (!check.ok) throw new ApiError('refused', check.message);
      // Eligibility too, not only identity: a card mounted as a system drive or locked since the start is refused.
      const now = checkDrive(check.drive, {
        imageSize: session.image.sizeIsEstimate ? null : session.image.size,
        sourceDevices: session.image.sourceDevices,
        includeVirtual: this.deps.includeVirtual(),
        largeDriveBytes: this.largeDriveBytes(),
      });
      if (!now.eligible) throw new ApiError('refused', `${blockingMessage(now)} (checked again right before writing)`);
      const built = 'regionsFor' in raw ? await raw.regionsFor(check.drive.size) : null;
      mode = built ? 'sparse' : session.plan.mode;
      // A sparse write of an image held in memory reads it from there; any other write needs the cache file complete.
      const growing = built ? undefined : session.plan.growing;
      const data = !built && (session.plan.ranges || growing) && 'written' in raw ? raw.data : undefined;
      if (!built && !data && 'written' in raw) await raw.written;
      // Journaled (fsynced) before the first byte: a crash from here on shows as an interrupted attempt.
      this.journal({ ...base(), mode, bytes: 0, durationMs: 0, averageSpeed: 0, verified: false, error: null, attempt, result: 'started', process: this.deps.journal.self() }, true);
      started = true;
      const outcome = await this.deps.writeCard({
        rawPath: raw.path,
        size: built?.size ?? raw.size,
        ...(built ? { regions: built.regions } : session.plan.ranges ? { ranges: session.plan.ranges } : {}),
        ...(data ? { data } : {}),
        ...(growing ? { growing } : {}),
        drive: check.drive,
        verify: session.verify,
        signal: card.abort.signal,
        onProgress: (phase, done, total) => {
          if (phase === 'write') bytes = done;
          void session.sha256();
          checkpoint(phase, total);
          this.progress(session, card, phase, done, total);
        },
      });
      bytes = outcome.bytes;
      verified = outcome.verified;
    } catch (e) {
      error = e;
    }
    const cancelled = error instanceof CancelledError || card.abort.signal.aborted;
    const { durationMs, averageSpeed } = timing();
    const result: CardResult = {
      device: card.identity.device,
      ok: error === null,
      verified,
      bytes,
      error: error === null ? null : cancelled ? 'cancelled by the technician' : describe(error),
      cancelled,
      durationMs,
      ...(started ? { mode } : {}),
    };
    const outcome = result.ok ? 'ok' : cancelled ? 'cancelled' : 'failed';
    const finished: JournalLine = {
      ...base(),
      imageSha256: await session.sha256(),
      bytes,
      durationMs,
      averageSpeed,
      verified,
      result: outcome,
      error: result.error,
      ...(started ? { attempt } : {}),
    };
    try {
      this.journal(finished, true);
    } catch (e) {
      result.error = `${result.error ? `${result.error}; ` : ''}not journaled: ${describe(e)}`;
    }
    card.result = result;
    const phase: CardPhase = result.ok ? 'done' : cancelled ? 'cancelled' : 'failed';
    card.progress = { ...card.progress, phase, speed: 0, eta: 0 };
    this.deps.onProgress({ ...card.progress, sessionId: session.id });
    this.deps.onCardDone(session.id, result);
  }

  /** Appends a journal line; a checkpoint that cannot be written is not worth failing a card for. */
  private journal(line: JournalLine, required: boolean): void {
    try {
      this.deps.journal.append(line);
    } catch (error) {
      if (required) throw error;
    }
  }

  private decompressProgress(session: Session, done: number, total: number): void {
    for (const card of session.cards.values()) {
      // A card already writing from the stream stays in its write phase.
      const writing = card.progress.phase === 'write' || card.progress.phase === 'verify';
      if (card.result === null && !writing) this.progress(session, card, 'decompress', done, total);
    }
  }

  private progress(session: Session, card: Card, phase: CardPhase, bytes: number, total: number | null): void {
    const t = this.now();
    if (phase !== card.progress.phase) card.speed = { samples: [] };
    const { window, speed } = sampleSpeed(card.speed, t, bytes);
    card.speed = window;
    const phaseChanged = phase !== card.progress.phase;
    card.progress = { device: card.identity.device, phase, bytes, total, speed, eta: etaSeconds(bytes, total, speed) };
    if (phaseChanged || t - card.lastEmit >= EMIT_INTERVAL_MS || bytes === total) {
      card.lastEmit = t;
      this.deps.onProgress({ ...card.progress, sessionId: session.id });
    }
  }

  private maybeFinish(session: Session): void {
    if (session.running.size > 0 || session.finished) return;
    session.finished = true;
    // The image's bytes held in memory go with the session (its cache file stays for the next one).
    session.plan = { ...session.plan, growing: undefined };
    void session.raw.then((raw) => {
      if ('written' in raw) {
        raw.data = undefined;
        raw.growing = undefined;
      }
    }, () => undefined);
    this.deps.onSessionDone(
      session.id,
      [...session.cards.values()].map((c) => c.result!),
    );
  }

  private snapshot(session: Session): SessionSnapshot {
    const cards = [...session.cards.values()];
    return {
      sessionId: session.id,
      image: session.image,
      verify: session.verify,
      cards: cards.map((c) => ({ ...c.progress, sessionId: session.id })),
      results: cards.filter((c) => c.result !== null).map((c) => c.result!),
      finished: session.finished,
    };
  }
}

/**
 * Whether an image still inflating starts with partition tables walt-bench reads (its first MiB decides): only such
 * an image is written as it arrives; any other is mapped once whole (written in full when nothing can be skipped).
 */
async function hasTables(growing: GrowingImage): Promise<boolean> {
  while (!growing.finished && !growing.failure && growing.available < Math.min(growing.size, 1 << 20)) await growing.changed();
  if (growing.finished || growing.failure) return false;
  return tablesInPrefix(growing.data.subarray(0, growing.available), growing.size) !== null;
}

/** Waits for a growing image to be whole; its failure refuses the session (nothing was written yet). */
async function wholeImage(growing: GrowingImage): Promise<void> {
  try {
    await growing.done;
  } catch {
    const cause = growing.cause!;
    throw new ApiError('source-error', cause.message, cause.hint);
  }
}

/** Calls `make` on the first call only; every call returns its result. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | null = null;
  return () => (made ??= { value: make() }).value;
}

/** The largest of the selected cards (decompression never needs to produce more than it holds). */
function largestCard(drives: DriveIdentity[]): { device: string; bytes: number } | null {
  let best: { device: string; bytes: number } | null = null;
  for (const d of drives) if (d.size !== null && (best === null || d.size > best.bytes)) best = { device: d.device, bytes: d.size };
  return best;
}

function describe(error: unknown): string {
  if (error instanceof ApiError) return error.hint ? `${error.message} (${error.hint})` : error.message;
  return error instanceof Error ? error.message : String(error);
}
