/**
 * Types shared by the two ends of the Electron IPC transport (main-side.ts and preload.ts). Types only: the sandboxed
 * preload cannot require relative files at run time. The renderer declares the same `window.waltBench` shape in
 * src-renderer/src/api/bridge.ts.
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

/** An API error as plain data (an Error would lose its code and hint crossing contextBridge). */
export interface BridgeError {
  code: string;
  message: string;
  hint?: string;
}

/** A command's outcome on the call channel, main -> preload. */
export type CallResult = { ok: true; result: unknown } | { ok: false; error: BridgeError };

/** What main sends on the event channel. */
export type BridgeEvent = EventMessage;

/** What the renderer sees as `window.waltBench`. */
export interface WaltBenchBridge {
  /** Runs an API command: resolves with its output, rejects with a plain BridgeError {code, message, hint}. */
  call(name: string, input: unknown): Promise<unknown>;
  /** Listens to one API event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** The absolute path of a file dropped or chosen in the page (Electron's webUtils.getPathForFile). */
  pathForFile(file: File): string;
  /** Opens the native file chooser filtered to disk images; null when cancelled. */
  pickImage(): Promise<string | null>;
}
