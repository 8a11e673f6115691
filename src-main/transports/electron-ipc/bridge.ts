/**
 * Types of what the preload exposes to the renderer as `window.waltBench`. Types only: the sandboxed preload cannot
 * require relative files at run time, and the renderer imports these with `import type`.
 */
import type { EventMessage, EventName, EventPayload } from '../../api/contract.js';

/** IPC channel of every API command. */
export type CallChannel = 'wb:call';
/** IPC channel of every API event pushed to a window. */
export type EventChannel = 'wb:event';
/** IPC channel of the native image chooser. */
export type PickImageChannel = 'wb:pick-image';

/** What the renderer sends on the call channel. */
export interface CallRequest {
  name: string;
  input: unknown;
}

/** A command's outcome as it crosses the bridge (errors stay data, so their code survives contextBridge). */
export type CallResult =
  | { ok: true; result: unknown }
  | { ok: false; error: { code: string; message: string; hint?: string } };

/** What main sends on the event channel. */
export type BridgeEvent = EventMessage;

/** What the renderer sees as `window.waltBench`. */
export interface WaltBenchBridge {
  /** Runs an API command; the renderer's client turns `{ok:false}` back into an ApiError (toApiError). */
  call(name: string, input: unknown): Promise<CallResult>;
  /** Listens to one API event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** The absolute path of a file dropped or chosen in the page (Electron's webUtils.getPathForFile). */
  pathForFile(file: File): string;
  /** Opens the native file chooser filtered to disk images; null when cancelled. */
  pickImage(): Promise<string | null>;
}
