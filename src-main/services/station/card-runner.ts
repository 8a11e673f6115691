import type { EventName, EventPayload, StationCardData } from '../../api/contract.js';
import { type Drive, identityOf } from '../../core/drives/drive.js';
import type { CardResult } from '../../core/flash/progress.js';
import { announce, cardCounts } from '../../core/station/slot-rules.js';
import { ejectIfSame } from './card-eject.js';
import type { Job, SlotState } from './station-job.js';

/** What a card run needs from the station. */
export interface CardHost {
  /** Writes (and verifies) the job's artifact to the card: one flash session; resolves with its card's result. */
  flash(job: Job, drive: Drive, onSession: (sessionId: string) => void): Promise<CardResult>;
  refresh(): Promise<Drive[]>;
  eject(device: string): Promise<boolean>;
  audit(action: string, jobId: string, client: string, detail: string): void;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** A card finished (counted or not): the station saves, announces the slot, completes the job, looks again. */
  finished(job: Job, s: SlotState, counted: boolean, announcement: string): void;
}

/** A card in progress: its job and slot (for the journal lines and the progress). */
export interface Writing {
  job: Job;
  slot: SlotState;
  sessionId: string | null;
}

/**
 * Runs one card of a job: the flash session, the eject (only of the very card written), the counts, the
 * announcement. The slot stays `busy` until `finished` is called.
 */
export class CardRunner {
  /** Which job and slot each device being written belongs to. */
  readonly writing = new Map<string, Writing>();

  constructor(private readonly host: CardHost) {}

  start(job: Job, s: SlotState, drive: Drive): void {
    const card: StationCardData = {
      seq: job.cards.length + 1,
      number: null,
      slot: s.slot,
      device: drive.device,
      size: drive.size ?? 0,
      serial: drive.serial,
      description: drive.description,
      result: 'writing',
      error: null,
      startedAt: new Date().toISOString(),
      durationMs: 0,
      bytes: 0,
      speed: 0,
      verified: false,
      ejected: false,
    };
    job.cards.push(card);
    job.inProgress += 1;
    s.card = card;
    s.message = null;
    s.phaseName = 'writing';
    s.total = null;
    s.speed = 0;
    const entry: Writing = { job, slot: s, sessionId: null };
    this.writing.set(drive.device, entry);
    this.host.emit('station.card-started', { jobId: job.saved.jobId, card: { ...card } });
    const started = Date.now();
    void (async () => {
      let result: CardResult;
      try {
        result = await this.host.flash(job, drive, (id) => (entry.sessionId = id));
      } catch (error) {
        result = { device: drive.device, ok: false, verified: false, bytes: 0, error: error instanceof Error ? error.message : String(error), cancelled: false, durationMs: Date.now() - started };
        this.host.audit('card-failed-before-write', job.saved.jobId, 'station', `${s.slot}: ${result.error}`);
      }
      let eject: { ejected: boolean; skipped: string | null } = { ejected: false, skipped: null };
      if (result.ok && !drive.isVirtual) {
        eject = await ejectIfSame(identityOf(drive), () => this.host.refresh(), (d) => this.host.eject(d));
        if (eject.skipped) this.host.audit('eject-skipped', job.saved.jobId, 'station', `${s.slot}: ${eject.skipped}`);
      }
      this.finish(job, s, card, result, eject, drive);
    })();
  }

  private finish(job: Job, s: SlotState, card: StationCardData, result: CardResult, eject: { ejected: boolean; skipped: string | null }, drive: Drive): void {
    this.writing.delete(card.device);
    job.inProgress -= 1;
    const counts = cardCounts(result, job.saved.verify);
    card.durationMs = result.durationMs;
    card.bytes = result.bytes;
    card.speed = result.durationMs > 0 ? Math.round((result.bytes / result.durationMs) * 1000) : 0;
    card.verified = result.verified;
    card.ejected = eject.ejected;
    const slotNumber = job.saved.slots.indexOf(s.slot) + 1;
    let announcement: string;
    if (counts) {
      job.saved.done += 1;
      card.number = job.saved.done;
      card.result = 'ok';
      s.phase = 'done';
      announcement = announce(slotNumber, { ok: true, number: card.number, count: job.saved.count });
    } else {
      job.saved.failed += 1;
      card.result = 'failed';
      card.error = result.error ?? (result.ok ? 'not verified' : 'failed');
      s.phase = 'failed';
      announcement = announce(slotNumber, { ok: false, error: card.error });
    }
    s.message = eject.skipped ? `${announcement} (not ejected: ${eject.skipped})` : announcement;
    // The written card must be pulled before the slot is written again, even if it vanishes from the list meanwhile.
    if (drive.size !== null) s.held = { size: drive.size, serial: drive.serial, description: drive.description, phase: s.phase };
    this.host.emit(counts ? 'station.card-done' : 'station.card-failed', { jobId: job.saved.jobId, card: { ...card }, announcement });
    this.host.finished(job, s, counts, announcement);
  }

  /** A flash progress report: the card's tile and a station.card-progress event. */
  progress(device: string, phase: string, bytes: number, total: number | null, speed: number): void {
    const w = this.writing.get(device);
    if (!w || (phase !== 'write' && phase !== 'verify')) return;
    const name = phase === 'write' ? 'writing' : 'verifying';
    w.slot.phaseName = name;
    w.slot.total = total;
    w.slot.speed = speed;
    if (w.slot.card) {
      w.slot.card.result = name;
      w.slot.card.bytes = bytes;
    }
    this.host.emit('station.card-progress', { jobId: w.job.saved.jobId, slot: w.slot.slot, seq: w.slot.card?.seq ?? 0, phase: name, bytes, total, speed });
  }
}
