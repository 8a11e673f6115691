import { events, commands, isEventName, type EventMessage, type CommandName, type CommandOutput } from '../../../src-main/api/contract.js';
import { ClientApiError } from './client-error.js';

/** Checks one pushed message against the contract; null (and a console note) when it does not fit. */
export function parseEventMessage(raw: unknown): EventMessage | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { event, payload } = raw as { event?: unknown; payload?: unknown };
  if (typeof event !== 'string' || !isEventName(event)) return null;
  const parsed = events[event].safeParse(payload);
  if (!parsed.success) {
    console.warn(`walt-bench: dropped a malformed "${event}" event`, parsed.error.issues);
    return null;
  }
  return { event, payload: parsed.data } as EventMessage;
}

/** The events of one WebSocket frame: one event, or the events of one server tick in order; malformed ones dropped. */
export function parseEventFrame(raw: unknown): EventMessage[] {
  const out: EventMessage[] = [];
  for (const one of Array.isArray(raw) ? (raw as unknown[]) : [raw]) {
    const msg = parseEventMessage(one);
    if (msg) out.push(msg);
  }
  return out;
}

/** Checks a command's result against the contract (the edge where data enters the renderer). */
export function parseCommandOutput<C extends CommandName>(name: C, raw: unknown): CommandOutput<C> {
  const parsed = commands[name].output.safeParse(raw);
  if (!parsed.success) {
    throw new ClientApiError('internal', `The server answered "${name}" with data the UI does not understand`);
  }
  return parsed.data as CommandOutput<C>;
}
