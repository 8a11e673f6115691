import { readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { homedir } from 'node:os';
import type { CommandOutput } from '../api/contract.js';
import { Dispatcher, type Handlers } from '../api/dispatcher.js';
import { ApiError } from '../api/errors.js';
import { checkDrive } from '../core/drives/constraints.js';
import type { Drive } from '../core/drives/drive.js';
import { IMAGE_EXTENSIONS } from '../core/flash/source-kind.js';
import { DrivelistLister, type DriveLister } from './drives/drive-lister.js';
import { DriveWatcher } from './drives/drive-watcher.js';
import { writeCard } from './flash/card-writer.js';
import { etcher } from './flash/etcher.js';
import { FlashService } from './flash/flash-service.js';
import { type ImageInfo, inspectImage } from './flash/image-inspect.js';
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
 * Builds the services and the command handlers. Every transport (Electron IPC, station, privileged helper,
 * in-process) ends in the Dispatcher returned here.
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

  const statusOf = (drives: Drive[], image: ImageInfo | null): CommandOutput<'drives.list'> =>
    drives.map((d) => {
      const e = checkDrive(d, {
        imageSize: image && !image.sizeIsEstimate ? image.size : null,
        sourceDevices: image?.sourceDevices ?? [],
        includeVirtual: settings.get().includeVirtualDrives,
      });
      return { ...d, eligible: e.eligible, needsConfirm: e.needsConfirm, reasons: e.reasons };
    });

  watcher.on('change', (change: { drives: Drive[]; attached: string[]; detached: string[] }) => {
    emit('drives.changed', { drives: statusOf(change.drives, null), attached: change.attached, detached: change.detached });
  });
  watcher.on('error', () => undefined);

  const handlers: Handlers = {
    'app.info': async () => ({
      version: APP_VERSION,
      privileged: process.getuid?.() === 0,
      home: paths.home,
      platform: process.platform,
    }),
    'drives.list': async ({ image, entry }) => {
      const info = image ? await inspectImage(image, entry) : null;
      return statusOf(await watcher.refresh(), info);
    },
    'image.inspect': async ({ path, entry }) => inspectImage(path, entry),
    'fs.list': async ({ dir }) => listDir(dir ?? options.owner?.home ?? homedir()),
    'flash.start': async (input) => flash.start(input),
    'flash.add': async ({ sessionId, drive, confirmLarge }) => flash.add(sessionId, drive, confirmLarge),
    'flash.cancel': async ({ sessionId, device }) => flash.cancel(sessionId, device),
    'flash.status': async ({ sessionId }) => flash.status(sessionId),
    'journal.list': async ({ limit }) => journal.read(limit),
    'settings.get': async () => settings.get(),
    'settings.set': async (patch) => {
      const next = settings.set(patch);
      const drives = await watcher.refresh();
      emit('drives.changed', { drives: statusOf(drives, null), attached: [], detached: [] });
      return next;
    },
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
    },
  };
}

/** A directory listing for the file chooser (folders first, images flagged). */
async function listDir(dir: string): Promise<CommandOutput<'fs.list'>> {
  const abs = resolve(dir);
  let names: string[];
  try {
    names = await readdir(abs);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ApiError('not-found', `cannot open folder ${abs} (${code ?? 'error'})`);
  }
  const entries = await Promise.all(
    names
      .filter((n) => !n.startsWith('.'))
      .map(async (name) => {
        const path = join(abs, name);
        const st = await stat(path).catch(() => null);
        if (!st || (!st.isDirectory() && !st.isFile())) return null;
        const lower = name.toLowerCase();
        return {
          name,
          path,
          kind: st.isDirectory() ? ('dir' as const) : ('file' as const),
          size: st.isDirectory() ? 0 : st.size,
          isImage: st.isFile() && IMAGE_EXTENSIONS.some((e) => lower.endsWith(e)),
        };
      }),
  );
  const list = entries.filter((e): e is NonNullable<typeof e> => e !== null);
  list.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));
  return { dir: abs, parent: abs === '/' ? null : dirname(abs), entries: list };
}
