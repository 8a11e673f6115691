import { homedir } from 'node:os';
import { Dispatcher, type Handlers } from '../api/dispatcher.js';
import type { Drive } from '../core/drives/drive.js';
import { listDir } from './app/fs-list.js';
import { BenchHolder, benchHandlers } from './bench/bench-handlers.js';
import { DrivelistLister, type DriveLister } from './drives/drive-lister.js';
import { DriveWatcher } from './drives/drive-watcher.js';
import { writeCard } from './flash/card-writer.js';
import { etcher } from './flash/etcher.js';
import { drivesWithStatus, flashHandlers } from './flash/flash-handlers.js';
import { FlashService } from './flash/flash-service.js';
import { Journal } from './journal/journal.js';
import type { Owner } from './ownership.js';
import { statePaths, type StatePaths } from './paths.js';
import { SettingsStore } from './settings/settings.js';
import { APP_VERSION } from './version.js';

/** Everything the API runs on, assembled. */
export interface Backend {
  dispatcher: Dispatcher;
  paths: StatePaths;
  flash: FlashService;
  close(): Promise<void>;
}

/** Options of the backend; the I/O parts can be swapped for fakes in unit tests. */
export interface BackendOptions {
  home: string;
  env?: NodeJS.ProcessEnv;
  lister?: DriveLister;
  writeCard?: typeof writeCard;
  pollMs?: number;
  /** The user a root helper works for: state files are given back to them, and fs.list starts in their home. */
  owner?: Owner & { home: string };
}

/**
 * Builds the services and the command handlers, one set per capability. Every transport (Electron IPC, station,
 * privileged helper, in-process) ends in the Dispatcher returned here.
 */
export async function createBackend(options: BackendOptions): Promise<Backend> {
  const env = options.env ?? process.env;
  const paths = statePaths(options.home, options.owner);
  const settings = new SettingsStore(paths.settings, env, options.owner);
  const journal = new Journal(paths.journal, options.owner);
  const watcher = new DriveWatcher({ lister: options.lister ?? new DrivelistLister(), intervalMs: options.pollMs });
  let dispatcher: Dispatcher | null = null;
  const emit: Dispatcher['emit'] = (event, payload) => dispatcher?.emit(event, payload);

  const flash = new FlashService({
    watcher,
    journal,
    cacheDir: paths.cache,
    includeVirtual: () => settings.get().includeVirtualDrives,
    writeCard: options.writeCard ?? writeCard,
    onProgress: (p) => emit('flash.progress', p),
    onCardDone: (sessionId, result) => emit('flash.card-done', { sessionId, result }),
    onSessionDone: (sessionId, results) => emit('flash.done', { sessionId, results }),
  });
  const announceDrives = (drives: Drive[], attached: string[], detached: string[]): void =>
    emit('drives.changed', { drives: drivesWithStatus(drives, null, settings), attached, detached });
  watcher.on('change', (c: { drives: Drive[]; attached: string[]; detached: string[] }) =>
    announceDrives(c.drives, c.attached, c.detached),
  );
  watcher.on('error', () => undefined);

  const bench = new BenchHolder();
  const handlers: Handlers = {
    'app.info': async () => ({
      version: APP_VERSION,
      privileged: process.getuid?.() === 0,
      home: paths.home,
      platform: process.platform,
    }),
    'fs.list': async ({ dir }) => listDir(dir ?? options.owner?.home ?? homedir()),
    'settings.get': async () => settings.get(),
    'settings.set': async (patch) => {
      const next = settings.set(patch);
      announceDrives(await watcher.refresh(), [], []);
      return next;
    },
    ...flashHandlers({ watcher, flash, journal, settings }),
    ...benchHandlers(bench, emit),
  };
  dispatcher = new Dispatcher(handlers);
  watcher.start();
  // Loading etcher-sdk takes ~0.3 s: do it now, off the path of the first card.
  setImmediate(() => etcher());
  return {
    dispatcher,
    paths,
    flash,
    async close() {
      watcher.stop();
      await bench.stop();
    },
  };
}
