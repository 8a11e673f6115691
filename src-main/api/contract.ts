import type { z } from 'zod';
import type * as S from './schemas.js';
import { appDomain } from './domains/app.js';
import { benchDomain } from './domains/bench.js';
import { checkDomain } from './domains/check.js';
import { doctorCommands, type DoctorCheck, type DoctorReport } from './domains/doctor.js';
import { flashCommands, flashEvents } from './domains/flash.js';
import { serialDomain } from './domains/serial.js';
import { cardDomain } from './domains/card.js';
import { stationDomain } from './domains/station.js';

type StationSchemas = ReturnType<typeof stationDomain>['schemas'];
type Slot = StationSchemas['Slot'];
type SlotTile = StationSchemas['SlotTile'];
type StationCard = StationSchemas['StationCard'];
type StationJob = StationSchemas['StationJob'];

/** One domain's part of the contract. */
interface DomainParts {
  commands: object;
  events: object;
}

const flashDomain = (): DomainParts => ({ commands: flashCommands, events: flashEvents });
const doctorDomain = (): DomainParts => ({ commands: doctorCommands, events: {} });

/**
 * Which domain holds a command or event, by the part of its name before the first dot (each such part belongs to one
 * domain: test/unit/api/contract-domains.test.ts checks every name against this table).
 */
const DOMAIN_OF: Readonly<Record<string, () => DomainParts>> = Object.assign(Object.create(null) as Record<string, () => DomainParts>, {
  app: appDomain,
  fs: appDomain,
  journal: appDomain,
  settings: appDomain,
  bench: benchDomain,
  card: cardDomain,
  catalog: cardDomain,
  check: checkDomain,
  doctor: doctorDomain,
  drives: flashDomain,
  flash: flashDomain,
  image: flashDomain,
  serial: serialDomain,
  slots: stationDomain,
  station: stationDomain,
  stationJob: stationDomain,
});

/** Every domain, once each. */
export const DOMAINS: readonly (() => DomainParts)[] = [...new Set(Object.values(DOMAIN_OF))];

/**
 * A table of the contract (its commands or its events) that builds a domain's schemas the first time one of its
 * names is looked up; listing the table's names builds every domain. Reads like a plain frozen object.
 */
function lazyTable<T extends object>(part: (d: DomainParts) => object): T {
  const entry = (name: string | symbol): { value: unknown } | undefined => {
    if (typeof name !== 'string') return undefined;
    const domain = DOMAIN_OF[name.split('.', 1)[0]!];
    if (!domain) return undefined;
    const table = part(domain());
    return Object.prototype.hasOwnProperty.call(table, name) ? { value: (table as Record<string, unknown>)[name] } : undefined;
  };
  return new Proxy(Object.create(null) as T, {
    get: (_, name) => entry(name)?.value,
    has: (_, name) => entry(name) !== undefined,
    ownKeys: () => DOMAINS.flatMap((d) => Object.keys(part(d()))),
    getOwnPropertyDescriptor: (_, name) => {
      const found = entry(name);
      return found ? { value: found.value, enumerable: true, configurable: true, writable: false } : undefined;
    },
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
}

type AppParts = ReturnType<typeof appDomain>;
type BenchParts = ReturnType<typeof benchDomain>;
type CardParts = ReturnType<typeof cardDomain>;
type CheckParts = ReturnType<typeof checkDomain>;
type SerialParts = ReturnType<typeof serialDomain>;
type StationParts = ReturnType<typeof stationDomain>;

type AllCommands = AppParts['commands'] &
  typeof flashCommands &
  SerialParts['commands'] &
  CardParts['commands'] &
  BenchParts['commands'] &
  CheckParts['commands'] &
  typeof doctorCommands &
  StationParts['commands'];
type AllEvents = typeof flashEvents & SerialParts['events'] & CardParts['events'] & BenchParts['events'] & CheckParts['events'] & StationParts['events'];

/**
 * The ONE contract of walt-bench: every command (request -> response) and every event stream, with the runtime
 * schema checked wherever a message enters a process (Electron IPC, station HTTP/WebSocket, the privileged helper).
 */
export const commands: { readonly [C in keyof AllCommands]: AllCommands[C] } = lazyTable((d) => d.commands);

/** Event streams the server pushes to every client. */
export const events: { readonly [E in keyof AllEvents]: AllEvents[E] } = lazyTable((d) => d.events);

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
export type SlotData = z.output<Slot>;
export type SlotTileData = z.output<SlotTile>;
export type StationCardData = z.output<StationCard>;
export type StationJobData = z.output<StationJob>;
