import type { ApiClient, CommandInput, CommandName, CommandOutput, EventName, EventPayload } from '../../../src-main/api/contract.js';
import { EventListeners } from '../../../src-main/api/listeners.js';
import type { WaltBenchBridge } from './bridge.js';
import { toClientError } from './client-error.js';
import { ConnectionStatus } from './connection.js';
import { parseCommandOutput, parseEventMessage } from './validate.js';

/** Speaks the contract through the Electron preload bridge (IPC behind contextIsolation). */
export class ElectronClient implements ApiClient {
  private readonly listeners = new EventListeners();
  private readonly unsubscribers = new Map<EventName, () => void>();
  /** IPC never drops: always up. */
  readonly connection = new ConnectionStatus('up');

  constructor(private readonly bridge: WaltBenchBridge) {}

  async call<C extends CommandName>(name: C, input: CommandInput<C>): Promise<CommandOutput<C>> {
    let raw: unknown;
    try {
      raw = await this.bridge.call(name, input ?? {});
    } catch (e) {
      throw toClientError(e);
    }
    return parseCommandOutput(name, raw);
  }

  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
    if (!this.unsubscribers.has(name)) {
      // One bridge subscription per event name; payloads are checked here, then fanned out.
      const off = this.bridge.on(name, (payload) => {
        const msg = parseEventMessage({ event: name, payload });
        if (msg) this.listeners.deliver(msg);
      });
      this.unsubscribers.set(name, off);
    }
    return this.listeners.add(name, listener);
  }

  close(): void {
    for (const off of this.unsubscribers.values()) off();
    this.unsubscribers.clear();
  }
}
