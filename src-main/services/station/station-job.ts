import type { SlotTileData, StationCardData, StationJobData } from '../../api/contract.js';
import type { HeldCard, SlotPhase } from '../../core/station/slot-rules.js';
import type { SavedJob } from './station-state.js';

/** A slot of a job, as the engine tracks it. */
export interface SlotState {
  slot: string;
  phase: SlotPhase;
  device: string | null;
  /** The card being written or last finished in the slot. */
  card: StationCardData | null;
  /** The card that must be physically removed before the slot is written again (present at arm, done, failed, refused). */
  held: HeldCard | null;
  message: string | null;
  phaseName: 'writing' | 'verifying';
  total: number | null;
  speed: number;
}

/** A job of this station process. */
export interface Job {
  saved: SavedJob;
  state: 'armed' | 'disarmed' | 'complete';
  endedAt: string | null;
  endReason: string | null;
  slots: Map<string, SlotState>;
  cards: StationCardData[];
  inProgress: number;
}

/** A slot's tile. */
export function tileOf(s: SlotState): SlotTileData {
  const state = s.phase === 'busy' ? s.phaseName : s.phase;
  return { slot: s.slot, state, device: s.device, card: s.card?.number ?? (s.phase === 'busy' ? (s.card?.seq ?? null) : null), bytes: s.card?.bytes ?? 0, total: s.total, speed: s.phase === 'busy' ? s.speed : 0, message: s.message };
}

/** A job as the API shows it (`label` turns the arming client into what other clients may see). */
export function jobData(job: Job, label: (client: string) => string): StationJobData {
  const s = job.saved;
  return {
    jobId: s.jobId,
    state: job.state,
    artifact: s.artifact,
    entry: s.entry,
    imageName: s.imageName,
    slots: s.slots,
    verify: s.verify,
    count: s.count,
    sizeLimit: s.sizeLimit,
    done: s.done,
    failed: s.failed,
    inProgress: job.inProgress,
    armedAt: s.armedAt,
    armedBy: label(s.armedBy),
    endedAt: job.endedAt,
    endReason: job.endReason,
    tiles: [...job.slots.values()].map((t) => tileOf(t)),
    cards: job.cards.map((c) => ({ ...c })),
  };
}

/** The slots a job owns now: all of an armed job's; only the busy ones (a card still in progress) of an ended job. */
export function ownedNow(job: Job): string[] {
  if (job.state === 'armed') return job.saved.slots;
  return [...job.slots.values()].filter((s) => s.phase === 'busy').map((s) => s.slot);
}
