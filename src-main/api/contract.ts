import { z } from 'zod';
import * as S from './schemas.js';

/**
 * The ONE contract of walt-bench: every command (request -> response) and every event stream, with the runtime
 * schema checked wherever a message enters a process (Electron IPC, station HTTP/WebSocket, the privileged helper).
 */
export const commands = {
  /** Server facts: version, whether it runs as root, where its state lives. */
  'app.info': {
    input: z.object({}),
    output: z.object({ version: z.string(), privileged: z.boolean(), home: z.string(), platform: z.string() }),
  },
  /** Every drive with its eligibility for the given image (or none). */
  'drives.list': {
    input: z.object({ image: S.FilePath.optional(), entry: z.string().optional() }),
    output: z.array(S.DriveStatus),
  },
  /** Reads an image file's header: kind, sizes, zip entries, warnings. */
  'image.inspect': {
    input: z.object({ path: S.FilePath, entry: z.string().optional() }),
    output: S.ImageInfo,
  },
  /** Lists a directory of the machine that does the work (the station's file chooser). */
  'fs.list': {
    input: z.object({ dir: S.FilePath.optional() }),
    output: z.object({ dir: z.string(), parent: z.string().nullable(), entries: z.array(S.DirEntry) }),
  },
  /** Starts writing an image to one or more cards; each card runs its own pipeline. */
  'flash.start': {
    input: z.object({
      image: S.FilePath,
      entry: z.string().optional(),
      drives: z.array(S.DriveIdentity).min(1).max(32),
      verify: z.boolean().default(true),
      confirmLarge: z.boolean().default(false),
    }),
    output: S.FlashSession,
  },
  /** Adds a card to a running flash session. */
  'flash.add': {
    input: z.object({ sessionId: z.string(), drive: S.DriveIdentity, confirmLarge: z.boolean().default(false) }),
    output: S.FlashSession,
  },
  /** Cancels one card (device given) or every card of a session. */
  'flash.cancel': {
    input: z.object({ sessionId: z.string(), device: S.DevicePath.optional() }),
    output: S.FlashSession,
  },
  /** The current state of a flash session. */
  'flash.status': {
    input: z.object({ sessionId: z.string() }),
    output: S.FlashSession,
  },
  /** The journal's records, newest last. */
  'journal.list': {
    input: z.object({ limit: z.number().int().positive().max(100000).optional() }),
    output: z.object({ records: z.array(S.JournalRecord), skippedLines: z.array(z.number()) }),
  },
  'settings.get': { input: z.object({}), output: S.Settings },
  'settings.set': { input: S.Settings.partial(), output: S.Settings },
} as const;

/** Event streams the server pushes to every client. */
export const events = {
  /** The drive list changed: a card was inserted or removed, or a drive's state changed. */
  'drives.changed': z.object({
    drives: z.array(S.DriveStatus),
    attached: z.array(z.string()),
    detached: z.array(z.string()),
  }),
  /** One card's progress. */
  'flash.progress': S.CardProgress,
  /** One card finished (ok, failed or cancelled). */
  'flash.card-done': z.object({ sessionId: z.string(), result: S.CardResult }),
  /** Every card of a session finished. */
  'flash.done': z.object({ sessionId: z.string(), results: z.array(S.CardResult) }),
} as const;

export type Commands = typeof commands;
export type CommandName = keyof Commands;
export type Events = typeof events;
export type EventName = keyof Events;
/** What a caller passes (defaults may be omitted). */
export type CommandInput<C extends CommandName> = z.input<Commands[C]['input']>;
/** What a handler receives (defaults applied). */
export type ParsedInput<C extends CommandName> = z.output<Commands[C]['input']>;
export type CommandOutput<C extends CommandName> = z.output<Commands[C]['output']>;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

/** True when a string names a command of the contract. */
export function isCommandName(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(commands, name);
}

/** True when a string names an event of the contract. */
export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}

/** Any message pushed by the server: one event with its payload. */
export type EventMessage = { [E in EventName]: { event: E; payload: EventPayload<E> } }[EventName];

/** What every transport's client offers: call a command, listen to events. */
export interface ApiClient {
  call<C extends CommandName>(name: C, input: CommandInput<C>): Promise<CommandOutput<C>>;
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
  close?(): void;
}

export type DriveStatus = z.output<typeof S.DriveStatus>;
export type ImageInfo = z.output<typeof S.ImageInfo>;
export type FlashSession = z.output<typeof S.FlashSession>;
export type CardProgressEvent = z.output<typeof S.CardProgress>;
export type CardResultData = z.output<typeof S.CardResult>;
export type SettingsData = z.output<typeof S.Settings>;
export type DirEntryData = z.output<typeof S.DirEntry>;
export type JournalRecordData = z.output<typeof S.JournalRecord>;
export type DriveIdentityData = z.output<typeof S.DriveIdentity>;
