import { randomUUID } from 'node:crypto';
import { ApiError } from '../../api/errors.js';
import type { EventName, EventPayload, SlotData, StationJobData } from '../../api/contract.js';
import { type Drive, identityOf } from '../../core/drives/drive.js';
import type { JournalLine } from '../../core/journal/record.js';
import {
  driveInSlot,
  hasCard,
  holdCard,
  mayStartCard,
  nextPhase,
  phaseAtArm,
  slotOfDrive,
  stillHeld,
} from '../../core/station/slot-rules.js';
import { firstOtherOwner, sizeLimitOf } from '../../core/station/slot-owners.js';
import type { DriveWatcher } from '../drives/drive-watcher.js';
import type { CardJob, CardOutcome } from '../flash/card-device.js';
import { FlashService } from '../flash/flash-service.js';
import { inspectImage } from '../flash/image-inspect.js';
import type { Journal } from '../journal/journal.js';
import type { SettingsStore } from '../settings/settings.js';
import { ejectDevice } from './card-eject.js';
import { CardRunner } from './card-runner.js';
import { clientLabel } from './client-label.js';
import { DeviceEvents, type DeviceEventsOptions } from './device-events.js';
import { JobStore } from './job-store.js';
import { RefreshCoalescer } from './refresh-coalescer.js';
import { type Job, jobData, ownedNow, type SlotState, tileOf } from './station-job.js';
import type { SavedJob, StationState } from './station-state.js';

/** What the station service runs on. */
export interface StationDeps {
  watcher: DriveWatcher;
  journal: Journal;
  settings: SettingsStore;
  state: StationState;
  cacheDir: string;
  writeCard: (job: CardJob) => Promise<CardOutcome>;
  emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
  /** Listen to kernel block events and probe slot sizes, and keep the state file (default true). */
  deviceEvents?: boolean;
  /** The source of device events (default: udev block events and the sysfs size probe); unit tests pass a fake. */
  eventSource?: (options: DeviceEventsOptions) => DeviceEventSource;
  /** Ejects a written card (default: the `eject` command). */
  eject?: (device: string) => Promise<boolean>;
}

/** What tells the station a block device changed. */
export interface DeviceEventSource {
  start(): void;
  stop(): void;
}

const LOCAL = 'local';
const PRESENT_AT_ARM = 'a card was in the slot when the job was armed: it is not written, pull it';
const KEEP_ENDED = 20;

/**
 * Station mode: enrolled slots, and armed jobs that write every card appearing in them. The pure rules decide
 * (core/station/slot-rules.ts); each card is one flash session of its own FlashService (decompression cache,
 * identity re-check right before the open, verify, journal), its journal lines tagged with the job and the slot.
 */
export class StationService {
  private readonly jobs = new Map<string, Job>();
  private readonly ended: Job[] = [];
  private readonly flash: FlashService;
  /** The cards in progress. */
  private readonly cards: CardRunner;
  private readonly events: DeviceEventSource | null;
  /** Folds a burst of device events (one insert sends several) into one drive refresh. */
  private readonly refresher: RefreshCoalescer;
  /** Ended jobs whose cards are still in progress: they keep owning those cards' slots until the last one finished. */
  private readonly draining = new Set<Job>();
  /** The state file, shared with the other station processes of the state folder. */
  private readonly store: JobStore;
  /** When the last device event arrived (the insert -> write start latency starts there). */
  private lastEventAt = 0;

  constructor(private readonly deps: StationDeps) {
    const journal = {
      self: () => deps.journal.self(),
      append: (line: JournalLine) => {
        const w = 'device' in line ? this.cards.writing.get(line.device) : undefined;
        deps.journal.append((w ? { ...line, jobId: w.job.saved.jobId, slot: w.slot.slot } : line) as JournalLine);
      },
    };
    this.flash = new FlashService({
      watcher: deps.watcher,
      journal,
      cacheDir: deps.cacheDir,
      includeVirtual: () => this.virtual(),
      writeCard: deps.writeCard,
      onProgress: (p) => this.cards.progress(p.device, p.phase, p.bytes, p.total, p.speed),
      onCardDone: () => undefined,
      onSessionDone: () => undefined,
    });
    this.cards = new CardRunner({
      flash: async (job, drive, onSession) => {
        const session = await this.flash.start({ image: job.saved.artifact, entry: job.saved.entry ?? undefined, drives: [identityOf(drive)], verify: job.saved.verify, confirmLarge: true, growToCard: false });
        onSession(session.sessionId);
        return (await this.flash.settle(session.sessionId))[0]!;
      },
      refresh: () => deps.watcher.refresh(),
      eject: (device) => (deps.eject ?? ejectDevice)(device),
      audit: (action, jobId, client, detail) => this.audit(action, jobId, client, detail),
      emit: (event, payload) => deps.emit(event, payload),
      finished: (job, s) => this.cardFinished(job, s),
    });
    deps.watcher.on('change', () => this.scan());
    this.refresher = new RefreshCoalescer(() => deps.watcher.refresh());
    const options: DeviceEventsOptions = {
      onEvent: () => {
        this.lastEventAt = Date.now();
        this.refresher.request();
      },
      devices: () => this.armedDevices(),
    };
    this.events = deps.deviceEvents === false ? null : (deps.eventSource?.(options) ?? new DeviceEvents(options));
    this.store = new JobStore(deps.state, deps.deviceEvents !== false);
    this.restore();
  }

  /** A station killed mid-job restarts with the job disarmed (journaled), its cards intact in the journal. */
  private restore(): void {
    for (const saved of this.store.restore()) {
      const job: Job = { saved, state: 'disarmed', endedAt: new Date().toISOString(), endReason: 'station restarted: the job was armed when it stopped', slots: new Map(), cards: [], inProgress: 0 };
      this.audit('disarmed-on-restart', saved.jobId, 'station', job.endReason!);
      this.ended.unshift(job);
    }
  }

  /** Why `slot` may not be taken by another job now (null: it is free), in this process or another live one. */
  private slotTaken(slot: string): string | null {
    return this.ownTaken(slot) ?? firstOtherOwner([slot], this.store.othersNow(), (c) => this.label(c));
  }

  /** Why this process's own jobs keep `slot` (null: none of them does). */
  private ownTaken(slot: string): string | null {
    const own = this.jobOfSlot(slot);
    return own ? `${slot} is ${own.state === 'armed' ? 'already in armed job' : 'still being written by ended job'} ${own.saved.jobId} (armed by ${this.label(own.saved.armedBy)})` : null;
  }

  private label(client: string): string {
    return clientLabel(client);
  }

  private virtual(): boolean {
    return this.deps.settings.get().includeVirtualDrives;
  }

  private armedDevices(): string[] {
    const out: string[] = [];
    for (const job of this.jobs.values()) for (const s of job.slots.values()) if (s.device) out.push(s.device);
    return out;
  }

  /** Every slot: enrolled ones (even unplugged), then every other drive that has a slot path. */
  async slots(): Promise<SlotData[]> {
    const drives = await this.deps.watcher.refresh();
    return this.slotList(drives);
  }

  private slotList(drives: Drive[]): SlotData[] {
    const enrolled = this.deps.settings.get().stationSlots;
    const seen = new Set<string>();
    const out: SlotData[] = [];
    const add = (slot: string): void => {
      if (seen.has(slot)) return;
      seen.add(slot);
      out.push(this.slotData(slot, driveInSlot(slot, drives, this.virtual()), enrolled.includes(slot)));
    };
    for (const slot of enrolled) add(slot);
    for (const d of drives) {
      const slot = slotOfDrive(d, this.virtual());
      if (slot !== null && !d.isSystem) add(slot);
    }
    return out;
  }

  private slotData(slot: string, drive: Drive | null, enrolled: boolean): SlotData {
    return {
      slot,
      enrolled,
      device: drive?.device ?? null,
      virtual: drive?.isVirtual ?? slot.startsWith('/dev/zram'),
      card: hasCard(drive) ? { device: drive.device, size: drive.size, serial: drive.serial, description: drive.description, isSystem: drive.isSystem } : null,
      jobId: this.jobOfSlot(slot)?.saved.jobId ?? null,
    };
  }

  /** The job of this process that owns a slot now: an armed one, or an ended one whose card there is in progress. */
  private jobOfSlot(slot: string): Job | null {
    for (const job of this.jobs.values()) if (job.slots.has(slot)) return job;
    for (const job of this.draining) if (ownedNow(job).includes(slot)) return job;
    return null;
  }

  /** Enrolls a slot (a device path is turned into its stable slot). */
  async enroll(given: string, client = LOCAL): Promise<SlotData[]> {
    const drives = await this.deps.watcher.refresh();
    let slot = given;
    const byDevice = drives.find((d) => d.device === given);
    if (byDevice) {
      if (byDevice.isSystem) throw new ApiError('refused', `${given} is a system drive: it can never be a station slot`);
      const s = slotOfDrive(byDevice, this.virtual());
      if (s === null) {
        throw new ApiError('refused', `${given} has no stable slot path (/dev/disk/by-path)`, byDevice.isVirtual ? 'turn virtual drives on to use a virtual drive as a slot' : undefined);
      }
      slot = s;
    } else if (!given.startsWith('/dev/disk/by-path/')) {
      throw new ApiError('not-found', `${given} is neither a drive nor a /dev/disk/by-path slot`);
    }
    const current = this.deps.settings.get().stationSlots;
    if (!current.includes(slot)) this.deps.settings.set({ stationSlots: [...current, slot] });
    this.audit('enrolled', null, client, slot);
    return this.slotList(drives);
  }

  /** Forgets a slot (refused while an armed job owns it). */
  async forget(slot: string, client = LOCAL): Promise<SlotData[]> {
    const taken = this.slotTaken(slot);
    if (taken) throw new ApiError('refused', `${taken}: disarm it first (and let its card finish)`);
    const current = this.deps.settings.get().stationSlots;
    if (!current.includes(slot)) throw new ApiError('not-found', `${slot} is not enrolled`);
    this.deps.settings.set({ stationSlots: current.filter((s) => s !== slot) });
    this.audit('forgotten', null, client, slot);
    return this.slots();
  }

  /** Arms a job; cards already in its slots are marked present-at-arm and never written. */
  async arm(input: { artifact: string; entry?: string | undefined; slots: string[]; verify: boolean; count: number | null; sizeLimit?: number | undefined; client?: string | undefined }): Promise<StationJobData> {
    const client = input.client ?? LOCAL;
    const enrolled = this.deps.settings.get().stationSlots;
    const slots = [...new Set(input.slots)];
    for (const slot of slots) {
      if (!enrolled.includes(slot)) throw new ApiError('refused', `${slot} is not an enrolled slot`, 'enroll it first (walt-bench slots enroll)');
      const taken = this.slotTaken(slot);
      if (taken) throw new ApiError('refused', `${taken}: one job per slot`);
    }
    const limit = sizeLimitOf(input.sizeLimit, this.deps.settings.get().stationSizeLimitBytes);
    if (!limit.ok) throw new ApiError('refused', limit.reason, 'leave the size limit out to use the station\'s, or change the setting on the station');
    const image = await inspectImage(input.artifact, input.entry);
    if (image.kind === 'zip' && image.entry === null && !image.card) throw new ApiError('bad-request', `${image.name}: name the zip entry to write`);
    const drives = await this.deps.watcher.refresh();
    const saved: SavedJob = {
      jobId: randomUUID().slice(0, 8),
      artifact: input.artifact,
      entry: input.entry ?? null,
      imageName: image.entry ? `${image.name}:${image.entry}` : image.name,
      slots,
      verify: input.verify,
      count: input.count,
      sizeLimit: limit.limit,
      armedAt: new Date().toISOString(),
      armedBy: client,
      done: 0,
      failed: 0,
      process: this.deps.journal.self(),
    };
    const job: Job = { saved, state: 'armed', endedAt: null, endReason: null, slots: new Map(), cards: [], inProgress: 0 };
    for (const slot of slots) {
      const drive = driveInSlot(slot, drives, this.virtual());
      const phase = phaseAtArm(drive);
      job.slots.set(slot, { slot, phase, device: drive?.device ?? null, card: null, held: holdCard(phase, drive), message: phase === 'present-at-arm' ? PRESENT_AT_ARM : null, phaseName: 'writing', total: null, speed: 0 });
    }
    // Another job (of this process or another live one) may have taken one of these slots while the image was inspected:
    // this process's jobs are checked here, the other processes' under the state file's lock as the new job is saved.
    for (const slot of slots) {
      const own = this.ownTaken(slot);
      if (own) throw new ApiError('refused', `${own}: one job per slot`);
    }
    const refusal = this.store.claim(saved.jobId, (others) => firstOtherOwner(slots, others, (c) => this.label(c)), [...this.savedJobs(), saved]);
    if (refusal) throw new ApiError('refused', `${refusal}: one job per slot`);
    this.jobs.set(saved.jobId, job);
    this.audit('armed', saved.jobId, client, `${saved.imageName} on ${slots.join(', ')}; count ${saved.count ?? 'unlimited'}; verify ${saved.verify}; size limit ${saved.sizeLimit}`);
    this.events?.start();
    this.jobChanged(job, 'armed', client);
    this.scan();
    return this.data(job);
  }

  /** Disarms a job: no card starts any more; cards being written finish. */
  disarm(jobId: string, client = LOCAL, force = false): StationJobData {
    const job = this.armedJob(jobId, client, force, 'disarm');
    this.end(job, 'disarmed', `disarmed by ${this.label(client)}${client !== job.saved.armedBy ? ` (forced; armed by ${this.label(job.saved.armedBy)})` : ''}`);
    this.audit('disarmed', jobId, client, `${job.endReason!}; ${job.saved.done} done, ${job.saved.failed} failed, ${job.inProgress} still in progress`);
    this.jobChanged(job, 'disarmed', client);
    return this.data(job);
  }

  /** Changes an armed job's count or verify (its own client only). */
  update(jobId: string, patch: { count?: number | null | undefined; verify?: boolean | undefined }, client = LOCAL): StationJobData {
    const job = this.armedJob(jobId, client, false, 'change');
    if (patch.count !== undefined) job.saved.count = patch.count;
    if (patch.verify !== undefined) job.saved.verify = patch.verify;
    this.persist();
    this.audit('changed', jobId, client, `count ${job.saved.count ?? 'unlimited'}; verify ${job.saved.verify}`);
    this.jobChanged(job, 'updated', client);
    this.maybeComplete(job);
    this.scan();
    return this.data(job);
  }

  /** Every job: armed ones, then the ended ones (newest first). */
  status(jobId?: string): { jobs: StationJobData[] } {
    const all = [...this.jobs.values(), ...this.ended];
    const jobs = jobId === undefined ? all : all.filter((j) => j.saved.jobId === jobId);
    if (jobId !== undefined && jobs.length === 0) throw new ApiError('not-found', `no station job ${jobId}`);
    return { jobs: jobs.map((j) => this.data(j)) };
  }

  /** Waits for every card in progress (the backend's shutdown; cards are cancelled and journaled). */
  async shutdown(): Promise<void> {
    this.events?.stop();
    this.refresher.stop();
    await this.flash.shutdown();
  }

  private armedJob(jobId: string, client: string, force: boolean, what: string): Job {
    const job = this.jobs.get(jobId);
    if (!job) {
      if (this.ended.some((j) => j.saved.jobId === jobId)) throw new ApiError('refused', `job ${jobId} is not armed any more`);
      throw new ApiError('not-found', `no station job ${jobId}`);
    }
    if (client !== job.saved.armedBy && !force) {
      this.audit(`refused-${what}`, jobId, client, `armed by ${job.saved.armedBy}`);
      throw new ApiError('refused', `job ${jobId} was armed by ${this.label(job.saved.armedBy)}: ${this.label(client)} cannot ${what} it`, what === 'disarm' ? 'force it (force: true) to stop it anyway' : undefined);
    }
    return job;
  }

  private end(job: Job, state: 'disarmed' | 'complete', reason: string): void {
    job.state = state;
    job.endedAt = new Date().toISOString();
    job.endReason = reason;
    this.jobs.delete(job.saved.jobId);
    if (job.inProgress > 0) this.draining.add(job);
    this.ended.unshift(job);
    this.ended.splice(KEEP_ENDED);
    if (this.jobs.size === 0) this.events?.stop();
    this.persist();
  }

  private maybeComplete(job: Job): void {
    if (job.state !== 'armed' || job.saved.count === null || job.saved.done < job.saved.count || job.inProgress > 0) return;
    this.end(job, 'complete', `count reached: ${job.saved.done} cards`);
    this.audit('complete', job.saved.jobId, 'station', job.endReason!);
    this.jobChanged(job, 'complete', 'station');
  }

  /** Looks at every armed slot in the last drive list; starts a card where one appeared. */
  private scan(): void {
    const drives = this.deps.watcher.drives;
    for (const job of this.jobs.values()) {
      for (const s of job.slots.values()) {
        const drive = driveInSlot(s.slot, drives, this.virtual());
        const before = s.phase;
        const beforeDevice = s.device;
        if (s.phase !== 'busy') {
          s.device = drive?.device ?? null;
          s.held = stillHeld(s.held, drive);
          // The card that must be pulled is reported again (it vanished for a moment): never written, back to its phase.
          if (s.held && hasCard(drive) && (s.phase === 'waiting' || s.phase === 'unplugged')) {
            s.phase = s.held.phase;
            s.message = s.held.phase === 'present-at-arm' ? PRESENT_AT_ARM : 'the same card is back in the slot: it is not written again, pull it';
          }
        }
        // The setting lowered since the job was armed applies at once (a job never writes over the station's limit).
        const next = nextPhase(s.phase, drive, { sizeLimit: Math.min(job.saved.sizeLimit, this.deps.settings.get().stationSizeLimitBytes) });
        if (next.action.kind === 'write' && !mayStartCard(job.saved.count, job.saved.done, job.inProgress)) continue;
        s.phase = next.phase;
        const empty = (p: string): boolean => p === 'waiting' || p === 'unplugged';
        if (empty(next.phase) && !empty(before)) {
          // A failed card that was pulled: the slot still says why, until the next card starts.
          s.message = before === 'failed' && s.card?.error ? `last card FAILED (not counted): ${s.card.error}; insert a new card` : null;
        }
        if (s.phase !== 'busy') s.held = holdCard(s.phase, drive) ?? s.held;
        if (next.action.kind === 'refuse') {
          s.message = next.action.reason;
          this.audit('card-refused', job.saved.jobId, 'station', `${s.slot}: ${next.action.reason}`);
        }
        if (next.action.kind === 'write') this.cards.start(job, s, next.action.drive);
        if (s.phase !== before || s.device !== beforeDevice) this.slotChanged(job, s, drives);
      }
    }
  }

  /** After a card finished: save (a draining job's last card journals its final counts), announce, complete, look again. */
  private cardFinished(job: Job, s: SlotState): void {
    if (job.state !== 'armed' && job.inProgress === 0 && this.draining.delete(job)) {
      this.audit('final-counts', job.saved.jobId, 'station', `${job.saved.done} done, ${job.saved.failed} failed (last card in progress finished after the job ended)`);
    }
    this.persist();
    this.slotChanged(job, s, this.deps.watcher.drives);
    this.maybeComplete(job);
    // A card pulled while it was written: the slot may be empty already.
    this.scan();
  }

  private persist(): void {
    this.store.save(this.savedJobs());
  }

  /** This process's jobs as the state file keeps them: armed ones whole, ended ones with the slots still in progress. */
  private savedJobs(): SavedJob[] {
    return [...this.jobs.values(), ...this.draining].map((j) => (j.state === 'armed' ? j.saved : { ...j.saved, owned: ownedNow(j) }));
  }

  private audit(action: string, jobId: string | null, client: string, detail: string): void {
    try {
      this.deps.journal.append({ time: new Date().toISOString(), audit: 'station', action, jobId, client, detail } as unknown as JournalLine);
    } catch {
      // The audit line is best effort; card lines are required by the flash service itself.
    }
  }

  private data(job: Job): StationJobData {
    return jobData(job, (c) => this.label(c));
  }

  private slotChanged(job: Job, s: SlotState, drives: Drive[]): void {
    const drive = driveInSlot(s.slot, drives, this.virtual());
    this.deps.emit('station.slot-changed', { slot: this.slotData(s.slot, drive, true), jobId: job.saved.jobId, tile: tileOf(s) });
  }

  private jobChanged(job: Job, change: 'armed' | 'disarmed' | 'updated' | 'complete', client: string): void {
    this.deps.emit('station.job-changed', { job: this.data(job), change, client: this.label(client) });
  }

  /** ms from the last device event to now (the insert -> write start latency, for the benchmark). */
  sinceLastEvent(): number {
    return Date.now() - this.lastEventAt;
  }
}
