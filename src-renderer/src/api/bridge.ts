/**
 * What the Electron preload exposes on `window.waltBench` (contextBridge). The renderer never sees Node or
 * ipcRenderer: only these four functions.
 */
export interface WaltBenchBridge {
  /** Calls a command of the contract; resolves with its output, rejects with an error carrying code/message/hint. */
  call(name: string, input: unknown): Promise<unknown>;
  /** Listens to one event stream; returns the function that stops listening. */
  on(event: string, cb: (payload: unknown) => void): () => void;
  /** The absolute path of a dropped file (Electron's webUtils.getPathForFile). */
  pathForFile(file: File): string;
  /** Opens the native file chooser for an image; null when the technician cancels. */
  pickImage(): Promise<string | null>;
}

declare global {
  interface Window {
    /** Present only inside the Electron app (preload bridge). */
    waltBench?: WaltBenchBridge;
  }
}

/** The Electron bridge when running inside the app, else null (station mode, in a browser). */
export function getBridge(): WaltBenchBridge | null {
  const b = typeof window === 'undefined' ? undefined : window.waltBench;
  return b && typeof b.call === 'function' && typeof b.on === 'function' ? b : null;
}
