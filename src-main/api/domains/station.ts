import { z } from 'zod';
import * as S from '../schemas.js';
import { lazyDomain } from '../lazy-domain.js';

/**
 * The Station domain (Station mode). Its schemas are built the first time the contract looks up one of its names, so
 * a one-shot CLI command pays only for the domains it calls.
 */
export const stationDomain = lazyDomain(() => {
  /**
   * Who asks: set by the transport (the station server names the remote address and its session, the CLI "cli",
   * the desktop app "desktop"); a caller's own value is replaced by the transport's where it knows better.
   */
  const Client = z.string().min(1).max(200).optional();

  /** A slot: a physical place a card goes in (a reader's /dev/disk/by-path name, or a virtual drive's device path). */
  const SlotId = z.string().regex(/^\/dev\/[A-Za-z0-9._:/+-]+$/, 'a slot path such as /dev/disk/by-path/...');

  /** The card in a slot, as last seen. */
  const SlotCard = z.object({
    device: z.string(),
    size: z.number(),
    serial: z.string().nullable(),
    description: z.string(),
    isSystem: z.boolean(),
  });

  /** One slot: enrolled or not, the kernel device behind it now, and the card in it (null: empty). */
  const Slot = z.object({
    slot: SlotId,
    enrolled: z.boolean(),
    /** The kernel device the slot resolves to now (null: the reader is unplugged). */
    device: z.string().nullable(),
    virtual: z.boolean(),
    card: SlotCard.nullable(),
    /** The job that owns the slot now (armed), if any. */
    jobId: z.string().nullable(),
  });

  /**
   * A slot's tile in a job. waiting: armed, no card; present-at-arm: a card was there when the job was armed (never
   * written: pull it); writing/verifying: a card in progress; done: written (remove it); failed: see `message`;
   * refused: a card that is not written (too large, system, identity changed...; see `message`); unplugged: the slot's
   * device is gone.
   */
  const SlotTileState = z.enum(['waiting', 'present-at-arm', 'writing', 'verifying', 'done', 'failed', 'refused', 'unplugged']);

  /** A slot's tile in a job. */
  const SlotTile = z.object({
    slot: SlotId,
    state: SlotTileState,
    device: z.string().nullable(),
    /** The card number (in the job's count) of the card shown, when it was counted or is being written. */
    card: z.number().nullable(),
    bytes: z.number(),
    total: z.number().nullable(),
    speed: z.number(),
    message: z.string().nullable(),
  });

  /** One card of a job: a row of the job's table (and of its CSV/JSON export). */
  const StationCard = z.object({
    /** Position among the cards the job started (1, 2, ...), failed ones included. */
    seq: z.number(),
    /** The count number (card 7 of 20) of a card that succeeded; null while in progress or when it failed. */
    number: z.number().nullable(),
    slot: SlotId,
    device: z.string(),
    size: z.number(),
    serial: z.string().nullable(),
    description: z.string(),
    result: z.enum(['writing', 'verifying', 'ok', 'failed']),
    error: z.string().nullable(),
    startedAt: z.string(),
    durationMs: z.number(),
    bytes: z.number(),
    /** Average bytes/s over the card's whole run. */
    speed: z.number(),
    verified: z.boolean(),
    /** True when the card was ejected (powered off) after writing. */
    ejected: z.boolean(),
  });

  /** A station job: one artifact written to every card that appears in its slots, until the count is reached. */
  const StationJob = z.object({
    jobId: z.string(),
    /** armed: writing cards as they come; disarmed: stopped by a client or by a restart; complete: count reached. */
    state: z.enum(['armed', 'disarmed', 'complete']),
    artifact: z.string(),
    entry: z.string().nullable(),
    /** What the artifact is named in the journal. */
    imageName: z.string(),
    slots: z.array(SlotId),
    verify: z.boolean(),
    /** null: unlimited. */
    count: z.number().nullable(),
    sizeLimit: z.number(),
    /** Cards written and verified (counted). */
    done: z.number(),
    failed: z.number(),
    inProgress: z.number(),
    armedAt: z.string(),
    armedBy: z.string(),
    endedAt: z.string().nullable(),
    /** Why the job ended ('disarmed by <client>', 'count reached', 'station restarted'...). */
    endReason: z.string().nullable(),
    tiles: z.array(SlotTile),
    cards: z.array(StationCard),
  });

  /** Commands of Station mode: enrolled slots, and jobs that write every card inserted in them. */
  const stationCommands = {
    /** Every slot the station sees (enrolled or not) and what is in it. */
    'slots.list': { input: z.object({}), output: z.array(Slot) },
    /** Enrolls a slot (its slot path, or a device path: the device's stable slot is enrolled); saved in the settings. */
    'slots.enroll': { input: z.object({ slot: SlotId, client: Client }), output: z.array(Slot) },
    /** Forgets an enrolled slot (refused while a job owns it). */
    'slots.forget': { input: z.object({ slot: SlotId, client: Client }), output: z.array(Slot) },
    /**
     * Arms a job on enrolled slots: from now on every card that APPEARS in one of them is written (never one present
     * now, never a system drive, never one over the size limit). Refused when a slot is in another armed job.
     */
    'stationJob.arm': {
      input: z.object({
        artifact: S.FilePath,
        entry: z.string().optional(),
        slots: z.array(SlotId).min(1).max(64),
        verify: z.boolean().default(true),
        /** How many good cards are wanted; absent or null: unlimited. */
        count: z.number().int().positive().nullable().default(null),
        /** Bytes; default: the stationSizeLimitBytes setting (128 GB). */
        sizeLimit: z.number().int().positive().optional(),
        client: Client,
      }),
      output: StationJob,
    },
    /** Disarms a job: no new card is started; cards in progress finish. Refused to another client than the one that armed it, unless force. */
    'stationJob.disarm': {
      input: z.object({ jobId: z.string(), client: Client, force: z.boolean().default(false) }),
      output: StationJob,
    },
    /** Changes an armed job's count or verify (refused to another client than the one that armed it, with the reason). */
    'stationJob.update': {
      input: z.object({
        jobId: z.string(),
        count: z.number().int().positive().nullable().optional(),
        verify: z.boolean().optional(),
        client: Client,
      }),
      output: StationJob,
    },
    /** Full state of the jobs (armed ones, then the last ended ones), to re-attach after a reload. */
    'stationJob.status': {
      input: z.object({ jobId: z.string().optional() }),
      output: z.object({ jobs: z.array(StationJob) }),
    },
  } as const;

  /** Events of Station mode. */
  const stationEvents = {
    /** A slot changed: a card appeared or went, it was enrolled or forgotten, or its tile changed. */
    'station.slot-changed': z.object({ slot: Slot, jobId: z.string().nullable(), tile: SlotTile.nullable() }),
    /** A card was detected in an armed slot and its writing started. */
    'station.card-started': z.object({ jobId: z.string(), card: StationCard }),
    /** A card's progress (throttled like flash.progress). */
    'station.card-progress': z.object({
      jobId: z.string(),
      slot: SlotId,
      seq: z.number(),
      phase: z.enum(['writing', 'verifying']),
      bytes: z.number(),
      total: z.number().nullable(),
      speed: z.number(),
    }),
    /** A card was written (and verified): "slot 3: card 7 of 20 done, remove it". */
    'station.card-done': z.object({ jobId: z.string(), card: StationCard, announcement: z.string() }),
    /** A card failed (never counted): announced loud and clear. */
    'station.card-failed': z.object({ jobId: z.string(), card: StationCard, announcement: z.string() }),
    /** A job was armed, disarmed, changed or completed. */
    'station.job-changed': z.object({
      job: StationJob,
      change: z.enum(['armed', 'disarmed', 'updated', 'complete']),
      client: z.string(),
    }),
  } as const;
  return { commands: stationCommands, events: stationEvents, schemas: { Slot, SlotTile, StationCard, StationJob } };
});
