/** A station service on fakes through its real interfaces: a drive lister, a card writer, device events, eject. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventName, EventPayload } from '../../../../src-main/api/contract.js';
import type { Drive } from '../../../../src-main/core/drives/drive.js';
import { DriveWatcher } from '../../../../src-main/services/drives/drive-watcher.js';
import type { CardJob, CardOutcome } from '../../../../src-main/services/flash/card-device.js';
import { Journal } from '../../../../src-main/services/journal/journal.js';
import { SettingsStore } from '../../../../src-main/services/settings/settings.js';
import type { DeviceEventsOptions } from '../../../../src-main/services/station/device-events.js';
import { StationService } from '../../../../src-main/services/station/station-service.js';
import { StationState } from '../../../../src-main/services/station/station-state.js';
import { fakeDrive } from '../../../support/drives.js';

export const MiB = 1 << 20;

/** A reader slot (by-path) with its kernel device; `size: null` is an empty slot. */
export function readerDrive(n: number, over: Partial<Drive> = {}): Drive {
  return fakeDrive({ device: `/dev/sd${'qrstu'[n]}`, devicePath: `/dev/disk/by-path/pci-0000:00:14.0-usb-0:${n + 1}:1.0-scsi-0:0:0:0`, size: null, serial: null, description: 'Generic SD reader', ...over });
}

/** A card a writer is holding: resolve it to finish the write (or fail it). */
export interface HeldWrite {
  job: CardJob;
  finish(outcome?: CardOutcome): void;
  fail(error: Error): void;
}

export interface Harness {
  dir: string;
  img: string;
  station: StationService;
  settings: SettingsStore;
  /** The drives the lister reports (edit them, then `event()` or `refresh()`). */
  drives: Drive[];
  listCalls: () => number;
  writes: HeldWrite[];
  ejected: string[];
  events: { name: EventName; payload: unknown }[];
  /** One kernel device event (as udev or the size probe would send). */
  event(): void;
  refresh(): Promise<void>;
  stateFile: string;
  journalLines(): Record<string, unknown>[];
  close(): Promise<void>;
}

/** Waits until `check` holds (polling every 5 ms), or fails after `ms`. */
export async function until(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function harness(options: { slots: number; listDelayMs?: number; sizeLimit?: number }): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'wb-station-unit-'));
  const img = join(dir, 'card.img');
  writeFileSync(img, Buffer.alloc(MiB, 0xa5));
  const drives: Drive[] = Array.from({ length: options.slots }, (_, i) => readerDrive(i));
  let calls = 0;
  const lister = {
    list: async (): Promise<Drive[]> => {
      calls += 1;
      if (options.listDelayMs) await new Promise((r) => setTimeout(r, options.listDelayMs));
      return drives.map((d) => ({ ...d }));
    },
  };
  const watcher = new DriveWatcher({ lister, intervalMs: 60_000 });
  const settings = new SettingsStore(join(dir, 'settings.json'), {});
  settings.set({ stationSlots: drives.map((d) => d.devicePath!), ...(options.sizeLimit ? { stationSizeLimitBytes: options.sizeLimit } : {}) });
  const writes: HeldWrite[] = [];
  const ejected: string[] = [];
  const events: { name: EventName; payload: unknown }[] = [];
  let deviceEvents: DeviceEventsOptions | null = null;
  const stateFile = join(dir, 'station-jobs.json');
  const journalFile = join(dir, 'journal.jsonl');
  const station = new StationService({
    watcher,
    journal: new Journal(journalFile),
    settings,
    state: new StationState(stateFile),
    cacheDir: join(dir, 'cache'),
    writeCard: (job) =>
      new Promise<CardOutcome>((resolve, reject) => {
        writes.push({ job, finish: (o) => resolve(o ?? { bytes: job.size, verified: job.verify }), fail: reject });
      }),
    emit: <E extends EventName>(name: E, payload: EventPayload<E>) => void events.push({ name, payload }),
    eventSource: (o) => {
      deviceEvents = o;
      return { start: () => undefined, stop: () => undefined };
    },
    eject: async (device) => {
      ejected.push(device);
      return true;
    },
  });
  return {
    dir,
    img,
    station,
    settings,
    drives,
    listCalls: () => calls,
    writes,
    ejected,
    events,
    event: () => deviceEvents!.onEvent('test event'),
    refresh: async () => void (await watcher.refresh()),
    stateFile,
    journalLines: () => {
      try {
        return readFileSync(journalFile, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, unknown>);
      } catch {
        return [];
      }
    },
    close: async () => {
      for (const w of writes) w.finish();
      await station.shutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Puts a card in slot `n` (a size, and optional identity fields). */
export function insert(h: Harness, n: number, over: Partial<Drive> = {}): void {
  h.drives[n] = { ...h.drives[n]!, size: 8 * MiB, serial: 'CARD-1', description: 'SD card 8M', ...over };
}

/** Pulls the card from slot `n` (the reader stays, with no size). */
export function pull(h: Harness, n: number): void {
  h.drives[n] = readerDrive(n);
}
