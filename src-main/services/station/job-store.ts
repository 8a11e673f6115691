import { processIdentity, type ProcessIdentity } from '../journal/process-identity.js';
import type { SavedJob, StationState } from './station-state.js';

/**
 * The station's side of the state file shared by every station process of a state folder: this process's jobs
 * (armed, or ended with cards still in progress) beside the live jobs of the others, read again whenever they
 * matter (arm, forget, every save), so one job per slot holds across processes.
 */
export class JobStore {
  private others: SavedJob[] = [];
  /** Every job id this process armed (the file's other entries belong to other processes). */
  private readonly mine = new Set<string>();

  constructor(
    private readonly state: StationState,
    /** False: no state file (a backend that does not watch drives, e.g. most tests). */
    private readonly enabled: boolean,
    private readonly processes: ProcessIdentity = processIdentity,
  ) {}

  /** At start: keeps the live processes' jobs, drops and returns the dead ones' (a station killed mid-job). */
  restore(): SavedJob[] {
    if (!this.enabled) return [];
    let dead: SavedJob[] = [];
    this.state.update((all) => {
      const live = all.filter((j) => this.processes.isLive(j.process));
      dead = all.filter((j) => !live.includes(j));
      this.others = live;
      return live;
    });
    return dead;
  }

  /**
   * Takes a new job of this process unless `conflict` finds one of the other live processes' jobs in its way: the
   * check and the save of `own` (this process's jobs, the new one among them) happen under the state file's lock, so
   * two stations arming the same slot at once never both win. Returns the conflict (nothing saved) or null.
   */
  claim(jobId: string, conflict: (others: readonly SavedJob[]) => string | null, own: SavedJob[]): string | null {
    if (!this.enabled) {
      this.mine.add(jobId);
      return null;
    }
    let refusal: string | null = null;
    this.state.update((all) => {
      this.others = this.othersIn(all);
      refusal = conflict(this.others);
      if (refusal !== null) return null;
      this.mine.add(jobId);
      return [...this.others, ...own];
    });
    return refusal;
  }

  /** The jobs other live station processes saved, read again now (they may have armed since). */
  othersNow(): SavedJob[] {
    if (!this.enabled) return [];
    try {
      this.others = this.othersIn(this.state.load());
    } catch {
      // An unreadable state file: the last jobs read stay the best knowledge.
    }
    return this.others;
  }

  /** Saves this process's jobs beside the others' (best effort: the state file only serves restarts and ownership). */
  save(own: SavedJob[]): void {
    if (!this.enabled) return;
    try {
      this.state.update((all) => {
        this.others = this.othersIn(all);
        return [...this.others, ...own];
      });
    } catch {
      // The journal is the record.
    }
  }

  private othersIn(all: SavedJob[]): SavedJob[] {
    return all.filter((j) => !this.mine.has(j.jobId) && this.processes.isLive(j.process));
  }
}
