/** The main window: sandboxed, context-isolated, no Node in the page; shows the built UI or the dev server. */
import { join } from 'node:path';
import { app, BrowserWindow } from 'electron';
import { mainWindowOptions } from './window-options.js';
import type { TrustedOrigin } from '../transports/electron-ipc/trust.js';

/** What the main window needs. */
export interface MainWindowOptions {
  /** Absolute path of the built preload.js. */
  preload: string;
  origin: TrustedOrigin;
}

/** Creates and loads the main window (shown once its first paint is ready). */
export function createMainWindow(opts: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow(
    mainWindowOptions({ preload: opts.preload, icon: join(app.getAppPath(), 'assets', 'icon.png'), devTools: !app.isPackaged }),
  );
  win.once('ready-to-show', () => win.show());
  const load = opts.origin.devUrl ? win.loadURL(opts.origin.devUrl) : win.loadFile(opts.origin.indexFile);
  load.catch((e: unknown) => console.error(`walt-bench: cannot load the UI: ${String(e)}`));
  return win;
}
