/**
 * Electron main process: thin glue between the window and the API.
 *
 * Where the API runs (the backend choice):
 * - As root (getuid() === 0), the backend runs in this process.
 * - Otherwise, on Linux, the privileged helper is started ONCE at launch through pkexec and runs only what needs
 *   root (transports/helper/helper-commands.ts: card reads and writes, drives, settings, journal, bench and check);
 *   everything else (fs.list, serial consoles, log analysis, card images built into files, the catalog) runs in an
 *   unprivileged backend in this process, which polls no drives. One authorization per run, and a single owner of
 *   the drive watcher, the flash sessions and the journal (the helper).
 * - If authorization is refused or impossible (no pkexec, no polkit agent), or on macOS/Windows (no elevation yet),
 *   the backend runs in this process without privileges: images, drives, settings and the journal work, writing a
 *   card fails with a permission error. A dialog says so, and app.info reports privileged: false for the UI's banner.
 * State lives in app.getPath('userData'), or WALT_BENCH_HOME when set.
 */
import { join, resolve } from 'node:path';
import { app, dialog, session, shell, type BrowserWindow } from 'electron';
import type * as BackendModule from '../services/backend.js';
import { forwardEvent, registerIpcBridge } from '../transports/electron-ipc/main-side.js';
import type { TrustedOrigin } from '../transports/electron-ipc/trust.js';
import { startHelper } from '../transports/helper/helper-client.js';
import { type ApiPort, routedPort } from '../transports/helper/helper-commands.js';
import { installMenu } from './menu.js';
import { hardenSession, hardenWebContents } from './security.js';
import { createMainWindow } from './window.js';

/**
 * The backend in this process (already root, or the unprivileged fallback). Loaded on demand: when the helper does
 * the work, etcher-sdk and its process-wide error handlers never load in this process.
 */
async function inProcessPort(home: string, watchDrives = true, helperRunning = false): Promise<ApiPort> {
  // A CommonJS require (not import()): the sure way to load from inside app.asar.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createBackend } = require('../services/backend.js') as typeof BackendModule;
  const backend = await createBackend({ home, watchDrives, helperRunning });
  return {
    dispatch: (name, input) => backend.dispatcher.dispatch(name, input),
    subscribe: (sink) => backend.dispatcher.subscribe(sink),
    close: () => backend.close(),
  };
}

/**
 * The privileged helper through pkexec (a packaged app runs it through its launcher, see electron-builder.yml),
 * joined with an unprivileged backend for the commands that need no root.
 */
async function helperPort(home: string): Promise<ApiPort> {
  const launcher = app.isPackaged ? join(process.resourcesPath, 'polkit', 'walt-bench-helper') : undefined;
  const helper = await startHelper({ home, elevate: 'pkexec', ...(launcher ? { launcher } : {}) });
  return routedPort(helper, await inProcessPort(home, false, true));
}

/** Picks where the API runs (see the top of this file) and tells the technician when writes will not work. */
async function openPort(home: string): Promise<ApiPort> {
  if (process.getuid?.() === 0) return inProcessPort(home);
  let why: string;
  if (process.platform === 'linux') {
    try {
      return await helperPort(home);
    } catch (e) {
      why = e instanceof Error ? e.message : String(e);
    }
  } else {
    why = `writing cards needs administrator rights, and elevation is not supported yet on ${process.platform}`;
  }
  void dialog.showMessageBox({
    type: 'warning',
    title: 'walt-bench: no administrator rights',
    message: 'walt-bench runs without administrator rights: it cannot write cards.',
    detail: `${why}\n\nRestart walt-bench and accept the authorization to write cards.`,
  });
  return inProcessPort(home);
}

function main(): void {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.enableSandbox();
  const home = process.env.WALT_BENCH_HOME ? resolve(process.env.WALT_BENCH_HOME) : app.getPath('userData');
  const devUrl = process.env.WALT_BENCH_DEV_URL;
  const origin: TrustedOrigin = {
    indexFile: join(__dirname, '..', '..', 'renderer', 'index.html'),
    ...(devUrl ? { devUrl } : {}),
  };
  const preload = join(__dirname, '..', 'transports', 'electron-ipc', 'preload.js');
  const windows: BrowserWindow[] = [];
  const allWindows = (): BrowserWindow[] => windows.filter((w) => !w.isDestroyed());
  hardenWebContents(app, origin, (url) => shell.openExternal(url));

  let port: Promise<ApiPort> | null = null;
  let closed = false;

  void app.whenReady().then(() => {
    hardenSession(session.defaultSession, origin);
    installMenu();
    const ready = openPort(home);
    port = ready;
    ready.then(
      (p) => p.subscribe((message) => forwardEvent(message, { windows: allWindows, ...origin })),
      (e: unknown) => {
        dialog.showErrorBox('walt-bench cannot start', e instanceof Error ? e.message : String(e));
        app.exit(1);
      },
    );
    registerIpcBridge({ ...origin, windows: allWindows, dispatch: async (name, input) => (await ready).dispatch(name, input) });
    windows.push(createMainWindow({ preload, origin }));
  });

  app.on('second-instance', () => {
    const win = allWindows()[0];
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (closed || !port) return;
    event.preventDefault();
    closed = true;
    port
      .then((p) => p.close())
      .catch(() => undefined)
      .finally(() => app.quit());
  });
}

main();
