import { EventEmitter } from 'node:events';
import type { Drive } from '../../core/drives/drive.js';
import type { DriveLister } from './drive-lister.js';

/** A change in the drive list. */
export interface DriveChange {
  drives: Drive[];
  attached: string[];
  detached: string[];
  /** True when a drive's own fields changed (size, mounts, read-only) without an attach or detach. */
  changed: boolean;
}

/** Options of the watcher: the lister and how often to poll. */
export interface DriveWatcherOptions {
  lister: DriveLister;
  intervalMs?: number;
}

/**
 * Polls the drive lister and emits 'change' with attached/detached devices (a card inserted or pulled). Polling is
 * what etcher-sdk's scanner does on Linux too; 500 ms keeps a card's arrival visible "live".
 */
export class DriveWatcher extends EventEmitter {
  private current: Drive[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  private polledAt: number | null = null;
  private readonly now: () => number = Date.now;
  private readonly intervalMs: number;

  constructor(private readonly options: DriveWatcherOptions) {
    super();
    this.intervalMs = options.intervalMs ?? 500;
  }

  /** The last list seen. */
  get drives(): Drive[] {
    return this.current;
  }

  /**
   * Lists now and returns the list (commands that need a fresh list call this). A poll already under way may have
   * started before the caller's card appeared, so a new one always runs after it; callers arriving together share it.
   */
  async refresh(): Promise<Drive[]> {
    if (!this.queued) {
      const previous = this.running ?? Promise.resolve();
      this.queued = previous.then(() => {
        this.queued = null;
        this.running = this.poll().finally(() => {
          this.running = null;
        });
        return this.running;
      });
    }
    await this.queued;
    return this.current;
  }

  /**
   * The list if it was taken less than `maxAgeMs` ago and still holds `devices` as the kernel sees them now (size and
   * read-only flag from sysfs, when the lister can tell: a card swapped in that moment is caught), else a fresh one.
   */
  async recent(maxAgeMs = 250, devices: string[] = []): Promise<Drive[]> {
    if (this.polledAt !== null && this.now() - this.polledAt < maxAgeMs && !this.queued) {
      const listed = this.current.filter((d) => devices.includes(d.device));
      const confirmed = listed.length === new Set(devices).size && (!this.options.lister.unchanged || (await this.options.lister.unchanged(listed)));
      if (confirmed) return this.current;
    }
    return this.refresh();
  }

  private async poll(): Promise<void> {
    let next: Drive[];
    // the list's age counts from when the kernel was asked, not from when the answer came
    const started = this.now();
    try {
      next = await this.options.lister.list();
    } catch (error) {
      this.emit('error', error);
      return;
    }
    const before = new Map(this.current.map((d) => [d.device, JSON.stringify(d)]));
    const after = new Map(next.map((d) => [d.device, JSON.stringify(d)]));
    const attached = [...after.keys()].filter((k) => !before.has(k));
    const detached = [...before.keys()].filter((k) => !after.has(k));
    const changed = [...after].some(([k, v]) => before.has(k) && before.get(k) !== v);
    this.current = next;
    this.polledAt = Math.min(started, this.options.lister.takenAt?.() ?? started);
    if (attached.length || detached.length || changed) {
      const change: DriveChange = { drives: next, attached, detached, changed };
      this.emit('change', change);
    }
  }

  /** Starts polling. */
  start(): void {
    if (this.timer) return;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops polling. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
