import type { Check, CheckId, FileSeen } from './boot-check.js';

/** What model each board of a rack must send. */
export type RackExpect = { kind: 'model'; model: string } | { kind: 'map'; map: Record<string, string> } | { kind: 'any' };

/** One board of a rack (one row): its current attempt's checks and how many attempts it made. */
export interface RackBoard {
  mac: string;
  verdict: 'pass' | 'fail' | 'pending';
  model: string | null;
  modelSent: string | null;
  kind: 'walt' | 'other';
  vci: string | null;
  uci: string | null;
  ip: string | null;
  files: FileSeen[];
  checks: Check[];
  diagnosis: string | null;
  attempts: number;
  port: string | null;
  firstSeenMs: number;
  lastChangeMs: number;
}

/** One board event of a rack check. */
export interface RackEvent {
  kind: 'board-appeared' | 'check-changed' | 'attempt-started' | 'console-joined' | 'verdict';
  check: CheckId | null;
  board: RackBoard;
}
