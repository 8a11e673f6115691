import type { z } from 'zod';
import type * as S from './schemas.js';
import { appCommands } from './domains/app.js';
import { benchCommands, benchEvents } from './domains/bench.js';
import { checkCommands, checkEvents } from './domains/check.js';
import { doctorCommands, type DoctorCheck, type DoctorReport } from './domains/doctor.js';
import { flashCommands, flashEvents } from './domains/flash.js';
import { serialCommands, serialEvents } from './domains/serial.js';
import { cardCommands, cardEvents } from './domains/card.js';
import { stationCommands, stationEvents } from './domains/station.js';
import type { Slot, StationCard, StationJob, SlotTile } from './domains/station.js';

/**
 * The ONE contract of walt-bench: every command (request -> response) and every event stream, with the runtime
 * schema checked wherever a message enters a process (Electron IPC, station HTTP/WebSocket, the privileged helper).
 */
export const commands = {
  ...appCommands,
  ...flashCommands,
  ...serialCommands,
  ...cardCommands,
  ...benchCommands,
  ...checkCommands,
  ...doctorCommands,
  ...stationCommands,
} as const;

/** Event streams the server pushes to every client. */
export const events = {
  ...flashEvents,
  ...serialEvents,
  ...cardEvents,
  ...benchEvents,
  ...checkEvents,
  ...stationEvents,
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
export type DoctorReportData = z.output<typeof DoctorReport>;
export type DoctorCheckData = z.output<typeof DoctorCheck>;
export type SlotData = z.output<typeof Slot>;
export type SlotTileData = z.output<typeof SlotTile>;
export type StationCardData = z.output<typeof StationCard>;
export type StationJobData = z.output<typeof StationJob>;
