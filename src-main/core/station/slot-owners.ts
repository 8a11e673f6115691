/** A job as another station process saved it: which slots it owns now. */
export interface OwningJob {
  jobId: string;
  slots: string[];
  /** The slots it owns now (absent: all of `slots`, as an armed job). A disarmed job with cards still in progress owns only their slots. */
  owned?: string[] | undefined;
  armedBy: string;
}

/** The slots a saved job owns now. */
export function ownedSlots(job: OwningJob): string[] {
  return job.owned ?? job.slots;
}

/** The first job of `jobs` that owns `slot` (null: none). */
export function ownerOf<J extends OwningJob>(slot: string, jobs: readonly J[]): J | null {
  return jobs.find((j) => ownedSlots(j).includes(slot)) ?? null;
}

/** Why another station process's job keeps one of `slots` (null: none does); `label` names a client. */
export function firstOtherOwner(slots: readonly string[], others: readonly OwningJob[], label: (client: string) => string): string | null {
  for (const slot of slots) {
    const other = ownerOf(slot, others);
    if (other) return `${slot} is already in armed job ${other.jobId} of another station process (armed by ${label(other.armedBy)})`;
  }
  return null;
}

/** A client's requested size limit against the station's: a client may lower it, never raise it. */
export function sizeLimitOf(requested: number | undefined, station: number): { ok: true; limit: number } | { ok: false; reason: string } {
  if (requested === undefined) return { ok: true, limit: station };
  if (requested > station) {
    return { ok: false, reason: `a size limit of ${requested} bytes is above the station's limit of ${station} (the stationSizeLimitBytes setting): a job may lower the limit, never raise it` };
  }
  return { ok: true, limit: requested };
}
