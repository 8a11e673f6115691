/** The main window's BrowserWindow options: the secure webPreferences, kept pure so a test checks them exactly. */
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

/** The webPreferences of every window of the app (the Electron security checklist). */
export function secureWebPreferences(preload: string, devTools: boolean): WebPreferences {
  return {
    preload,
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
    devTools,
  };
}

/** The main window's options (size, title, icon, and the secure webPreferences). */
export function mainWindowOptions(opts: { preload: string; icon: string; devTools: boolean }): BrowserWindowConstructorOptions {
  return {
    width: 1200,
    height: 800,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'walt-bench',
    backgroundColor: '#f5f7fa',
    icon: opts.icon,
    webPreferences: secureWebPreferences(opts.preload, opts.devTools),
  };
}
