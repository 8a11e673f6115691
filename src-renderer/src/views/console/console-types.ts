import type { CommandOutput, EventPayload } from '../../../../src-main/api/contract.js';

/** An open (or closed) console session as the API shows it. */
export type SessionInfoData = CommandOutput<'serial.open'>;
/** A serial port of the machine. */
export type PortInfoData = CommandOutput<'serial.list'>[number];
/** The settings the Open form sends. */
export type OpenSettings = Omit<SessionInfoData['settings'], never>;
/** Where a boot stands: outcome, timeline, files, diagnosis. */
export type BootVerdictData = EventPayload<'serial.verdict'>['verdict'];
/** One timeline row. */
export type StageData = BootVerdictData['stages'][number];
/** One boot event. */
export type BootEventData = EventPayload<'serial.boot'>['events'][number];

/** A console tab: the session, its latest verdict, and its last state message. */
export interface ConsoleSession {
  info: SessionInfoData;
  verdict: BootVerdictData | null;
  /** The last state change said by the service (unplugged / reconnected / closed), with when it came. */
  notice: { state: SessionInfoData['state']; message: string; at: number } | null;
}

/** A captured log opened read-only into the timeline. */
export interface LogAnalysis {
  id: string;
  path: string;
  verdict: BootVerdictData;
  events: BootEventData[];
  /** The whole text, numbered like the events' lines. */
  lines: CommandOutput<'serial.analyze'>['lines'];
  /** Lines the station left out (a very long log). */
  linesCut: number;
  /** The model this analysis was asked to expect (each analysis has its own). */
  expect: string | null;
}

/** The tab shown. */
export type ConsoleTab = { kind: 'session'; id: string } | { kind: 'analysis'; id: string } | null;
