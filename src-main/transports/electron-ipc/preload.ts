/**
 * The preload of the main window (sandboxed, context-isolated): exposes `window.waltBench` with exactly four
 * functions and nothing of ipcRenderer. Self-contained at run time: it requires 'electron' only (a sandboxed preload
 * cannot load relative files), every other import is a type.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent, webUtils } from 'electron';
import type { EventName } from '../../api/contract.js';
import type {
  BridgeError,
  BridgeEvent,
  CallChannel,
  CallRequest,
  CallResult,
  EventChannel,
  PickImageChannel,
  WaltBenchBridge,
} from './bridge.js';

const CALL: CallChannel = 'wb:call';
const EVENT: EventChannel = 'wb:event';
const PICK_IMAGE: PickImageChannel = 'wb:pick-image';

/** Every event of the contract (the type below fails to compile when this list and the contract disagree). */
const EVENT_NAMES = [
  'drives.changed', 'flash.progress', 'flash.card-done', 'flash.done',
  'serial.data', 'serial.boot', 'serial.verdict', 'serial.state',
  'catalog.progress',
  'bench.dhcp', 'bench.tftp', 'bench.status', 'check.update', 'check.done', 'check.rackEvent', 'check.rackDone',
  'station.slot-changed', 'station.card-started', 'station.card-progress', 'station.card-done', 'station.card-failed',
  'station.job-changed',
] as const satisfies readonly EventName[];
type MissingEvents = Exclude<EventName, (typeof EVENT_NAMES)[number]>;
const everyEventListed: [MissingEvents] extends [never] ? true : never = true;
void everyEventListed;

/** The same test as the contract's isEventName, without importing it at run time. */
function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (EVENT_NAMES as readonly string[]).includes(name);
}

const listeners = new Map<EventName, Set<(payload: unknown) => void>>();

ipcRenderer.on(EVENT, (_event: IpcRendererEvent, message: BridgeEvent) => {
  if (!message || !isEventName(message.event)) return;
  for (const listener of listeners.get(message.event) ?? []) {
    try {
      listener(message.payload);
    } catch (e) {
      console.error('walt-bench: an event listener failed', e);
    }
  }
});

const bridge: WaltBenchBridge = {
  async call(name: string, input: unknown): Promise<unknown> {
    if (typeof name !== 'string' || name.length === 0 || name.length > 100) {
      const error: BridgeError = { code: 'bad-request', message: 'a command name is a short string' };
      throw error;
    }
    const request: CallRequest = { name, input };
    const outcome = (await ipcRenderer.invoke(CALL, request)) as CallResult;
    if (outcome.ok) return outcome.result;
    // A plain object, not an Error: contextBridge copies it whole, so the code and hint reach the page.
    throw outcome.error;
  },
  on(event, listener) {
    if (!isEventName(event)) throw new TypeError(`unknown event "${String(event)}"`);
    if (typeof listener !== 'function') throw new TypeError('a listener is a function');
    let set = listeners.get(event);
    if (!set) {
      set = new Set();
      listeners.set(event, set);
    }
    const l = listener as (payload: unknown) => void;
    set.add(l);
    return () => {
      set.delete(l);
    };
  },
  pathForFile(file) {
    try {
      return webUtils.getPathForFile(file);
    } catch {
      return '';
    }
  },
  async pickImage(): Promise<string | null> {
    const picked: unknown = await ipcRenderer.invoke(PICK_IMAGE);
    return typeof picked === 'string' ? picked : null;
  },
};

contextBridge.exposeInMainWorld('waltBench', bridge);
