import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { giveBack, type Owner } from '../ownership.js';

/** Technician preferences kept in the state directory. */
export interface Settings {
  includeVirtualDrives: boolean;
  verify: boolean;
  /** Console logs: rotated at this size (MiB), this many files kept per log. */
  serialLogMiB: number;
  serialLogFiles: number;
}

const DEFAULTS: Settings = { includeVirtualDrives: false, verify: true, serialLogMiB: 16, serialLogFiles: 4 };

/** Settings stored as JSON, written atomically (temp file + rename). */
export class SettingsStore {
  private current: Settings;

  constructor(
    private readonly file: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly owner?: Owner,
  ) {
    this.current = { ...DEFAULTS, ...this.load() };
  }

  private load(): Partial<Settings> {
    try {
      const value = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<Settings>;
      return typeof value === 'object' && value !== null ? value : {};
    } catch {
      return {};
    }
  }

  /** The settings in force (WALT_BENCH_VIRTUAL_DRIVES=1 turns virtual drives on whatever the file says). */
  get(): Settings {
    const forced = this.env.WALT_BENCH_VIRTUAL_DRIVES === '1';
    return { ...this.current, includeVirtualDrives: this.current.includeVirtualDrives || forced };
  }

  /** Changes some settings and saves them. */
  set(patch: Partial<Settings>): Settings {
    this.current = { ...this.current, ...patch };
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.current, null, 2) + '\n');
    giveBack(tmp, this.owner);
    renameSync(tmp, this.file);
    return this.get();
  }
}
