import type { EventMessage, EventName, EventPayload } from './contract.js';

/** A small registry of event listeners by name, shared by the remote clients (station, Electron, helper). */
export class EventListeners {
  private readonly byName = new Map<EventName, Set<(payload: unknown) => void>>();

  /** Adds a listener; returns the function that removes it. */
  add<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.byName.get(name);
    if (!set) {
      set = new Set();
      this.byName.set(name, set);
    }
    const l = listener as (payload: unknown) => void;
    set.add(l);
    return () => set.delete(l);
  }

  /** Delivers one message to the listeners of its event. */
  deliver(message: EventMessage): void {
    for (const l of this.byName.get(message.event) ?? []) {
      try {
        l(message.payload);
      } catch {
        // One broken listener never keeps the event from the others.
      }
    }
  }
}
