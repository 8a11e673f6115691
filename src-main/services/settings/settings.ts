import { closeSync, lstatSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { NEW_FILE, READ_NOFOLLOW } from '../access/state-files.js';
import { Settings as SettingsSchema } from '../../api/schemas.js';
import { giveBack, type Owner } from '../ownership.js';

/** Technician preferences kept in the state directory. */
export interface Settings {
  includeVirtualDrives: boolean;
  verify: boolean;
  /** Console logs: rotated at this size (MiB), this many files kept per log. */
  serialLogMiB: number;
  serialLogFiles: number;
  /** Station mode: enrolled slots, and the size over which a job never writes a card. */
  stationSlots: string[];
  stationSizeLimitBytes: number;
  /** Flash: cards above this size need an explicit confirmation. */
  largeDriveBytes: number;
  /** The console's speed when none is given. */
  defaultBaud: number;
  /** The desk link when no --iface is given (null: none). */
  benchIface: string | null;
  /** The catalog's URL or file (null: the shipped catalog). */
  catalogSource: string | null;
  /** The folder of journal.jsonl (null: the state folder). */
  journalDir: string | null;
}

export const DEFAULT_SETTINGS: Settings = {
  includeVirtualDrives: false,
  verify: true,
  serialLogMiB: 16,
  serialLogFiles: 4,
  stationSlots: [],
  stationSizeLimitBytes: 128e9,
  largeDriveBytes: 128e9,
  defaultBaud: 115200,
  benchIface: null,
  catalogSource: null,
  journalDir: null,
};
const DEFAULTS = DEFAULT_SETTINGS;

/**
 * Settings stored as JSON, written atomically (temp file + rename). Neither file is ever opened through a symlink:
 * settings.json is read O_NOFOLLOW (a symlink reads as no settings), settings.json.tmp is created O_EXCL|O_NOFOLLOW
 * after removing whatever was left there, and the rename replaces a name, never what a link points to.
 */
export class SettingsStore {
  private current: Settings;
  /** The file's identity when last read (inode, size, mtime): another process's change is read again. */
  private seen: string;

  constructor(
    private readonly file: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly owner?: Owner,
  ) {
    this.seen = this.identity();
    this.current = { ...DEFAULTS, ...this.load() };
  }

  /** What says the file changed (a rename by another process gives a new inode). */
  private identity(): string {
    try {
      const st = lstatSync(this.file);
      return `${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch {
      return 'none';
    }
  }

  private load(): Partial<Settings> {
    try {
      const fd = openSync(this.file, READ_NOFOLLOW);
      let text: string;
      try {
        text = readFileSync(fd, 'utf8');
      } finally {
        closeSync(fd);
      }
      const value = JSON.parse(text) as Record<string, unknown>;
      if (typeof value !== 'object' || value === null) return {};
      // Each stored value meets its schema, or its default stands (a hand-edited file never sets a value settings.set refuses).
      const kept: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(SettingsSchema.shape)) {
        if (key in value && field.safeParse(value[key]).success) kept[key] = value[key];
      }
      return kept as Partial<Settings>;
    } catch {
      return {};
    }
  }

  /** The desktop app's two processes share the file (the privileged helper saves it): a change there applies here too. */
  private refresh(): void {
    const now = this.identity();
    if (now === this.seen) return;
    this.seen = now;
    this.current = { ...DEFAULTS, ...this.load() };
  }

  /** The settings in force, as last saved by any process (WALT_BENCH_VIRTUAL_DRIVES=1 turns virtual drives on whatever the file says). */
  get(): Settings {
    this.refresh();
    const forced = this.env.WALT_BENCH_VIRTUAL_DRIVES === '1';
    return { ...this.current, includeVirtualDrives: this.current.includeVirtualDrives || forced };
  }

  /** Changes some settings and saves them. */
  set(patch: Partial<Settings>): Settings {
    this.refresh();
    this.current = { ...this.current, ...patch };
    const tmp = `${this.file}.tmp`;
    rmSync(tmp, { force: true });
    const fd = openSync(tmp, NEW_FILE, 0o644);
    try {
      writeFileSync(fd, JSON.stringify(this.current, null, 2) + '\n');
    } finally {
      closeSync(fd);
    }
    giveBack(tmp, this.owner);
    renameSync(tmp, this.file);
    this.seen = this.identity();
    return this.get();
  }
}
