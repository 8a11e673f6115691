/**
 * The checks on every IPC message the main process receives: who sent it (the top frame of one of the app's windows,
 * showing the app's page) and its shape ({name, input}). No Electron import: the unit tests drive it with fakes.
 */
import { isTrustedUrl, type TrustedOrigin } from './trust.js';

/** The part of an IpcMainInvokeEvent the sender check reads. */
export interface IpcSenderLike {
  senderFrame: { url: string; parent: unknown } | null;
  sender: { id: number };
}

/** The part of a BrowserWindow the sender check reads. */
export interface WindowLike {
  isDestroyed(): boolean;
  webContents: { id: number };
}

/** True when the message comes from the top frame of one of the app's live windows, showing the app's page. */
export function senderIsTrusted(event: IpcSenderLike, windows: readonly WindowLike[], origin: TrustedOrigin): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  if (!windows.some((w) => !w.isDestroyed() && w.webContents.id === event.sender.id)) return false;
  return isTrustedUrl(frame.url, origin);
}

/** A call request's shape checked: {name: a short string, input}; null when malformed (input is validated later). */
export function parseCallRequest(request: unknown): { name: string; input: unknown } | null {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) return null;
  const { name, input } = request as { name?: unknown; input?: unknown };
  if (typeof name !== 'string' || name.length === 0 || name.length > 100) return null;
  return { name, input };
}
