/**
 * The main-process end of the Electron IPC transport: one `wb:call` channel for every API command, one `wb:pick-image`
 * channel for the native file chooser, and `wb:event` pushes to the app's windows. Every message's sender is checked:
 * the app's own page (file:// index or the dev server), in the top frame of one of the app's windows.
 */
import { BrowserWindow, dialog, ipcMain, type IpcMainInvokeEvent } from 'electron';
import type { EventMessage } from '../../api/contract.js';
import { ApiError, toApiError } from '../../api/errors.js';
import type { BridgeEvent, CallChannel, CallResult, EventChannel, PickImageChannel } from './bridge.js';
import { parseCallRequest, senderIsTrusted as checkSender } from './sender-check.js';
import { isTrustedUrl, type TrustedOrigin } from './trust.js';

const CALL: CallChannel = 'wb:call';
const EVENT: EventChannel = 'wb:event';
const PICK_IMAGE: PickImageChannel = 'wb:pick-image';

/** The extensions the image chooser offers (the sources walt-bench reads). */
export const IMAGE_EXTENSIONS = ['img', 'dd', 'raw', 'gz', 'xz', 'zip', 'bz2', 'tar', 'tar.gz'];

/** What the IPC bridge needs from the rest of the app. */
export interface IpcBridgeOptions extends TrustedOrigin {
  /** Runs a command given as untrusted data (the dispatcher or the privileged helper validates it). */
  dispatch: (name: string, input: unknown) => Promise<unknown>;
  /** The app's windows: only their webContents may call, and they receive the events. */
  windows: () => BrowserWindow[];
}

/** Checks an IPC message comes from the top frame of one of the app's windows, showing the app's page. */
function senderIsTrusted(event: IpcMainInvokeEvent, opts: IpcBridgeOptions): boolean {
  return checkSender(event, opts.windows(), opts);
}

/** Error result for a refused sender. */
const refused: CallResult = {
  ok: false,
  error: new ApiError('permission', 'this page may not call the walt-bench API').toJSON(),
};

/** Registers the IPC channels; returns the function that removes them. */
export function registerIpcBridge(opts: IpcBridgeOptions): () => void {
  ipcMain.handle(CALL, async (event: IpcMainInvokeEvent, request: unknown): Promise<CallResult> => {
    if (!senderIsTrusted(event, opts)) return refused;
    const call = parseCallRequest(request);
    if (!call) return { ok: false, error: new ApiError('bad-request', 'a call is {name, input}').toJSON() };
    const { name, input } = call;
    try {
      return { ok: true, result: await opts.dispatch(name, input) };
    } catch (e) {
      return { ok: false, error: toApiError(e).toJSON() };
    }
  });

  ipcMain.handle(PICK_IMAGE, async (event: IpcMainInvokeEvent): Promise<string | null> => {
    if (!senderIsTrusted(event, opts)) return null;
    const win = BrowserWindow.fromWebContents(event.sender);
    const options: Electron.OpenDialogOptions = {
      title: 'Choose a disk image',
      properties: ['openFile'],
      filters: [
        { name: 'Disk images', extensions: IMAGE_EXTENSIONS },
        { name: 'All files', extensions: ['*'] },
      ],
    };
    const picked = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    return picked.canceled ? null : (picked.filePaths[0] ?? null);
  });

  return () => {
    ipcMain.removeHandler(CALL);
    ipcMain.removeHandler(PICK_IMAGE);
  };
}

/** Sends one API event to every window showing the app's page. */
export function forwardEvent(message: EventMessage, opts: Pick<IpcBridgeOptions, 'windows'> & TrustedOrigin): void {
  const payload: BridgeEvent = message;
  for (const win of opts.windows()) {
    if (win.isDestroyed() || win.webContents.isDestroyed()) continue;
    if (!isTrustedUrl(win.webContents.getURL(), opts)) continue;
    win.webContents.send(EVENT, payload);
  }
}
