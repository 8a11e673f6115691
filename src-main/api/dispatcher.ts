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

/**
 * Where every transport ends: validates the command name and input against the contract, runs the handler, and
 * validates the output. Events are validated before they leave too, so a client never sees a malformed message.
 */
export class Dispatcher {
  private readonly sinks = new Set<EventSink>();

  constructor(private readonly handlers: Handlers) {}

  /** Runs a command given as untrusted data (a name and an input from the wire). */
  async dispatch(name: string, rawInput: unknown): Promise<unknown> {
    if (!isCommandName(name)) throw new ApiError('unknown-command', `unknown command "${name}"`);
    const spec = commands[name];
    const parsed = spec.input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? issue.path.join('.') : 'input';
      throw new ApiError('bad-request', `${name}: ${where}: ${issue?.message ?? 'invalid input'}`);
    }
    const handler = this.handlers[name] as (input: unknown) => Promise<unknown>;
    const output = await handler(parsed.data);
    return spec.output.parse(output);
  }

  /** Publishes an event to every subscriber. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const checked = events[event].parse(payload) as EventPayload<E>;
    const message = { event, payload: checked } as EventMessage;
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
