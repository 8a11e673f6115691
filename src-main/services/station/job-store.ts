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
    const all = this.state.load();
    const live = all.filter((j) => this.processes.isLive(j.process));
    this.others = live;
    this.state.save(live);
    return all.filter((j) => !live.includes(j));
  }

  /** Marks a job id as this process's own. */
  claim(jobId: string): void {
    this.mine.add(jobId);
  }

  /** The jobs other live station processes saved, read again now (they may have armed since). */
  othersNow(): SavedJob[] {
    if (!this.enabled) return [];
    try {
      this.others = this.state.load().filter((j) => !this.mine.has(j.jobId) && this.processes.isLive(j.process));
    } catch {
      // An unreadable state file: the last jobs read stay the best knowledge.
    }
    return this.others;
  }

  /** Saves this process's jobs beside the others' (best effort: the state file only serves restarts and ownership). */
  save(own: SavedJob[]): void {
    if (!this.enabled) return;
    try {
      this.state.save([...this.othersNow(), ...own]);
    } catch {
      // The journal is the record.
    }
  }
}
