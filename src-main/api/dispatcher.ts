import { ApiError } from './errors.js';
import {
  type CommandName,
  type CommandOutput,
  commands,
  type EventMessage,
  type EventName,
  type EventPayload,
  events,
  isCommandName,
  type ParsedInput,
} from './contract.js';

/** The implementation of every command. */
export type Handlers = { [C in CommandName]: (input: ParsedInput<C>) => Promise<CommandOutput<C>> };

/** Receives every event the server emits. */
export type EventSink = (message: EventMessage) => void;

/** How a Dispatcher treats the events the server emits. */
export interface DispatcherOptions {
  /**
   * Check every emitted event against its schema before it leaves, throwing on a malformed one (default true).
   * A running backend turns it off (`eventChecksWanted`): its events are built by typed server code, not taken from
   * the wire, and a zod parse per event (compiled on its first use) was the largest cost between a packet and its
   * event; every client that takes events from a wire checks them there (the renderer's parseEventMessage). Tests
   * keep it on, so an event that does not match the contract fails them.
   */
  checkEvents?: boolean;
  /**
   * Parse without zod's compiled fast path (false by default). zod compiles each object schema's parser with
   * `new Function` on its first parse: that pays back over the many calls of a long-lived server, never in a one-shot
   * CLI command, whose few calls each parse once (~10 ms of compiling before a flash's first byte).
   */
  jitless?: boolean;
}

/** Whether emitted events are checked: under `node --test` (NODE_TEST_CONTEXT) or with WALT_BENCH_CHECK_EVENTS=1. */
export function eventChecksWanted(env: Record<string, string | undefined>): boolean {
  return env.WALT_BENCH_CHECK_EVENTS === '1' || (env.NODE_TEST_CONTEXT !== undefined && env.WALT_BENCH_CHECK_EVENTS !== '0');
}

/**
 * Where every transport ends: validates the command name and input against the contract (the trust boundary), runs
 * the handler, and validates the output. Events are checked against the contract in tests and dev (checkEvents).
 */
export class Dispatcher {
  private readonly sinks = new Set<EventSink>();
  private readonly checkEvents: boolean;
  private readonly parseContext: { jitless: true } | undefined;

  constructor(
    private readonly handlers: Handlers,
    options: DispatcherOptions = {},
  ) {
    this.checkEvents = options.checkEvents ?? true;
    this.parseContext = options.jitless ? { jitless: true } : undefined;
  }

  /** Runs a command given as untrusted data (a name and an input from the wire). */
  async dispatch(name: string, rawInput: unknown): Promise<unknown> {
    if (!isCommandName(name)) throw new ApiError('unknown-command', `unknown command "${name}"`);
    const spec = commands[name];
    const parsed = spec.input.safeParse(rawInput ?? {}, this.parseContext);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? issue.path.join('.') : 'input';
      throw new ApiError('bad-request', `${name}: ${where}: ${issue?.message ?? 'invalid input'}`);
    }
    const handler = this.handlers[name] as (input: unknown) => Promise<unknown>;
    const output = await handler(parsed.data);
    return spec.output.parse(output, this.parseContext);
  }

  /** Publishes an event to every subscriber (checked against its schema first when checkEvents is on). */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    if (this.checkEvents) checkEvent(event, payload, this.parseContext);
    const message = { event, payload } as EventMessage;
    for (const sink of this.sinks) {
      try {
        sink(message);
      } catch {
        // A broken subscriber (a closed socket) never stops the others.
      }
    }
  }

  /** Subscribes to every event; returns the unsubscribe function. */
  subscribe(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }
}

/**
 * Throws unless the payload is exactly what its schema gives back: valid, and with no key the schema would strip or
 * default. So an event delivered unparsed (checkEvents off) is the very message a check would have let through.
 */
export function checkEvent<E extends EventName>(event: E, payload: EventPayload<E>, context?: { jitless: true }): void {
  const parsed = events[event].safeParse(payload, context);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ApiError('internal', `event ${event} does not match the contract: ${issue?.path.join('.') || 'payload'}: ${issue?.message ?? 'invalid'}`);
  }
  if (!sameData(parsed.data, payload)) {
    throw new ApiError('internal', `event ${event} carries keys or values its schema strips or defaults`);
  }
}

/** Deep equality of plain data (what events are): same keys, same values, arrays in order; undefined is a value. */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
