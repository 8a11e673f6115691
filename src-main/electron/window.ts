/** The main window: sandboxed, context-isolated, no Node in the page; shows the built UI or the dev server. */
import { join } from 'node:path';
import { app, BrowserWindow } from 'electron';
import type { TrustedOrigin } from '../transports/electron-ipc/trust.js';

/** What the main window needs. */
export interface MainWindowOptions {
  /** Absolute path of the built preload.js. */
  preload: string;
  origin: TrustedOrigin;
}

/** Creates and loads the main window (shown once its first paint is ready). */
export function createMainWindow(opts: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'walt-bench',
    backgroundColor: '#f5f7fa',
    icon: join(app.getAppPath(), 'assets', 'icon.png'),
    webPreferences: {
      preload: opts.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: !app.isPackaged,
    },
  });
  win.once('ready-to-show', () => win.show());
  const load = opts.origin.devUrl ? win.loadURL(opts.origin.devUrl) : win.loadFile(opts.origin.indexFile);
  load.catch((e: unknown) => console.error(`walt-bench: cannot load the UI: ${String(e)}`));
  return win;
}
