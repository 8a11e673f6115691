import { homedir } from 'node:os';
import { aboutFacts } from './app/about.js';
import { Dispatcher, eventChecksWanted, type Handlers } from '../api/dispatcher.js';
import type { Drive } from '../core/drives/drive.js';
import { callerByUid, processCaller } from './access/caller.js';
import { PathGuard } from './access/path-guard.js';
import { listDir } from './app/fs-list.js';
import { BenchHolder, benchHandlers } from './bench/bench-handlers.js';
import { checkHandlers, type OpenConsole } from './check/check-handlers.js';
import type { BootEvent } from '../core/boot/boot-event.js';
import { consoleFactOf } from '../core/check/console-facts.js';
import { cardHandlers } from './card/card-handlers.js';
import { DrivelistLister, type DriveLister } from './drives/drive-lister.js';
import { DriveWatcher } from './drives/drive-watcher.js';
import { DoctorService } from './doctor/doctor-service.js';
import { systemProbes } from './doctor/system-probes.js';
import { writeCard } from './flash/card-writer.js';
import { etcher } from './flash/etcher.js';
import { lookUpInflated, rememberWholeOnlyIn, runWhileInflating } from './flash/gzip-size.js';
import { cachedRawSize, wholeOnlyMarks } from './flash/decompress.js';
import { drivesWithStatus, flashHandlers } from './flash/flash-handlers.js';
import { FlashService } from './flash/flash-service.js';
import { Journal } from './journal/journal.js';
import type { Owner } from './ownership.js';
import { statePaths, type StatePaths } from './paths.js';
import { serialHandlers } from './serial/serial-handlers.js';
import { SerialService } from './serial/serial-service.js';
import { SettingsStore } from './settings/settings.js';
import { checkSettingsPatch, isCatalogUrl, journalFileOf } from './settings/settings-rules.js';
import { keptCatalogCopy } from './catalog/catalog-store.js';
import { APP_VERSION } from './version.js';
import { join } from 'node:path';
import { stationHandlers } from './station/station-handlers.js';
import { StationService } from './station/station-service.js';
import { StationState } from './station/station-state.js';
import { rereadsDone } from './flash/partition-reread.js';

/** Everything the API runs on, assembled. */
export interface Backend {
  dispatcher: Dispatcher;
  paths: StatePaths;
  flash: FlashService;
  station: StationService;
  close(): Promise<void>;
}

/** Options of the backend; the I/O parts can be swapped for fakes in unit tests. */
export interface BackendOptions {
  home: string;
  env?: NodeJS.ProcessEnv;
  lister?: DriveLister;
  writeCard?: typeof writeCard;
  pollMs?: number;
  /**
   * false: no drive polling, etcher-sdk not preloaded: the unprivileged side next to the privileged helper (it never
   * writes cards) and one-shot CLI commands (they list the drives when they ask, and load etcher-sdk when they
   * write). Default true.
   */
  watchDrives?: boolean;
  /**
   * Load etcher-sdk's writer parts right after start, off the path of the first card (true), or while the first .gz
   * checked inflates on the thread pool, the main thread idle ('while-inflating': a CLI flash). Default: watchDrives.
   */
  preloadWriter?: boolean | 'while-inflating';
  /** The user a root helper works for: state files are given back to them, and fs.list starts in their home. */
  owner?: Owner & { home: string };
  /** True in the desktop app's unprivileged backend when its privileged helper runs (the system check says so). */
  helperRunning?: boolean;
  /** Check every emitted event against the contract (default: eventChecksWanted(env): in tests, or asked for). */
  checkEvents?: boolean;
  /** Parse without zod's compiled parsers (Dispatcher's jitless): a one-shot CLI command. Default false. */
  jitless?: boolean;
}

/**
 * Builds the services and the command handlers, one set per capability. Every transport (Electron IPC, station,
 * privileged helper, in-process) ends in the Dispatcher returned here.
 */
export async function createBackend(options: BackendOptions): Promise<Backend> {
  const env = options.env ?? process.env;
  const paths = statePaths(options.home, options.owner);
  const settings = new SettingsStore(paths.settings, env, options.owner);
  const watcher = new DriveWatcher({ lister: options.lister ?? new DrivelistLister(), intervalMs: options.pollMs });
  // Every path a caller gives meets the rules here, as the user the backend works for (never as root).
  const caller = options.owner ? callerByUid(options.owner.uid, options.owner.gid) : processCaller();
  const guard = new PathGuard({ caller, drives: () => watcher.refresh() });
  // The journal-location setting is read at each read and each card's first line (a new location applies to the next
  // card), and meets its rules again there: settings.json is the user's file, and a root helper must never create a
  // journal in a folder that is not (or no longer) a folder of the user's, nor through a link swapped in since.
  const journal = new Journal(() => journalFileOf(settings.get(), paths.journal, guard), options.owner);
  let dispatcher: Dispatcher | null = null;
  const emit: Dispatcher['emit'] = (event, payload) => dispatcher?.emit(event, payload);

  const flash = new FlashService({
    watcher,
    journal,
    cacheDir: paths.cache,
    includeVirtual: () => settings.get().includeVirtualDrives,
    largeDriveBytes: () => settings.get().largeDriveBytes,
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
  const station = new StationService({
    watcher,
    journal,
    settings,
    state: new StationState(join(paths.home, 'station-jobs.json')),
    cacheDir: paths.cache,
    writeCard: options.writeCard ?? writeCard,
    emit,
    deviceEvents: options.watchDrives !== false,
  });

  // The boot check listens to a console session's boot events directly (the same ones the UI gets).
  const bootTaps = new Map<string, Set<(events: BootEvent[]) => void>>();
  const serial = new SerialService({
    logsDir: paths.logs,
    logLimits: () => ({ maxBytes: settings.get().serialLogMiB * 1024 * 1024, files: settings.get().serialLogFiles }),
    sink: {
      data: (sessionId, bytes, echo) => emit('serial.data', { sessionId, data: bytes.toString('base64'), echo }),
      boot: (sessionId, events, stages, verdict) => {
        emit('serial.boot', { sessionId, events, stages, verdict });
        for (const tap of bootTaps.get(sessionId) ?? []) tap(events);
      },
      verdict: (sessionId, verdict) => emit('serial.verdict', { sessionId, verdict }),
      state: (sessionId, state, message) => emit('serial.state', { sessionId, state, message }),
    },
  });
  const bench = new BenchHolder(guard);
  const openConsole: OpenConsole = async (port, expect) => {
    guard.serialPort(port);
    const { sessionId } = await serial.open({ path: port, baudRate: settings.get().defaultBaud, dataBits: 8, parity: 'none', stopBits: 1, flowControl: 'none', newline: 'CR', localEcho: false, expect });
    const taps = new Set<(events: BootEvent[]) => void>();
    bootTaps.set(sessionId, taps);
    return {
      subscribe(listener) {
        const tap = (events: BootEvent[]): void => {
          for (const e of events) {
            const fact = consoleFactOf(e);
            if (fact) listener(fact);
          }
        };
        taps.add(tap);
        return () => taps.delete(tap);
      },
      async close() {
        bootTaps.delete(sessionId);
        await serial.close(sessionId).catch(() => undefined);
      },
    };
  };
  const handlers: Handlers = {
    'app.info': async () => ({
      version: APP_VERSION,
      privileged: process.getuid?.() === 0,
      home: paths.home,
      platform: process.platform,
    }),
    'app.about': async () => {
      const source = settings.get().catalogSource;
      if (!source) return aboutFacts();
      return aboutFacts(process.versions, { file: isCatalogUrl(source) ? keptCatalogCopy(paths.cache, source) : source, source });
    },
    'fs.list': async ({ dir }) => listDir(guard.readable(dir ?? options.owner?.home ?? homedir()).real),
    'settings.get': async () => settings.get(),
    'settings.set': async (patch) => {
      const next = settings.set(checkSettingsPatch(patch, guard));
      announceDrives(await watcher.refresh(), [], []);
      return next;
    },
    'doctor.run': async () =>
      new DoctorService(
        systemProbes({
          home: paths.home,
          cacheDir: paths.cache,
          helperRunning: options.helperRunning === true,
          env,
          virtualDrives: () => ({ on: settings.get().includeVirtualDrives, forcedByEnv: env.WALT_BENCH_VIRTUAL_DRIVES === '1' }),
          catalogSource: () => settings.get().catalogSource,
        }),
      ).run(),
    ...flashHandlers({ watcher, flash, journal, settings, guard }),
    ...serialHandlers(serial, guard),
    ...cardHandlers({ guard, cacheDir: paths.cache, emit, catalogSource: () => settings.get().catalogSource }),
    ...benchHandlers(bench, emit),
    ...checkHandlers(bench, emit, openConsole),
    ...stationHandlers(station),
  };
  dispatcher = new Dispatcher(handlers, { checkEvents: options.checkEvents ?? eventChecksWanted(env), jitless: options.jitless === true });
  if (options.watchDrives !== false) watcher.start();
  // A .gz an earlier session inflated and checked into the cache is not inflated again to be inspected.
  lookUpInflated((path, fileSize, mtimeMs) => cachedRawSize(path, fileSize, mtimeMs, paths.cache));
  rememberWholeOnlyIn(wholeOnlyMarks(paths.cache));
  if (options.preloadWriter === 'while-inflating') runWhileInflating(() => etcher());
  else if (options.preloadWriter ?? options.watchDrives !== false) {
    // Loading etcher-sdk's writer takes ~50 ms: do it now, while the image is checked, off the path of the first card.
    setImmediate(() => etcher());
  }
  return {
    dispatcher,
    paths,
    flash,
    station,
    async close() {
      // Cards still being written are cancelled and journaled, never abandoned mid-write.
      await flash.shutdown();
      await station.shutdown();
      watcher.stop();
      await serial.closeAll();
      await bench.stop();
      // The last cards' partition-table rereads end before the process may exit (none outlives it).
      await rereadsDone();
    },
  };
}
