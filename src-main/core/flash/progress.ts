import type { WriteMode } from '../journal/record.js';
/** Where one card stands in its write. */
export type CardPhase = 'queued' | 'decompress' | 'write' | 'verify' | 'done' | 'failed' | 'cancelled';

/** One card's progress, as shown to the technician. */
export interface CardProgress {
  device: string;
  phase: CardPhase;
  /** Bytes done in the current phase. */
  bytes: number;
  /** Bytes the current phase will process in all (null when unknown). */
  total: number | null;
  /** Bytes per second over the last few seconds. */
  speed: number;
  /** Seconds left in the current phase (null when unknown). */
  eta: number | null;
}

/** A window of (time, bytes) samples giving a smoothed speed. */
export interface SpeedWindow {
  samples: { t: number; bytes: number }[];
}

/** Width of the speed window in milliseconds. */
export const SPEED_WINDOW_MS = 3000;

/** Adds a sample and returns the window and the current speed (bytes/s). Pure. */
export function sampleSpeed(w: SpeedWindow, t: number, bytes: number): { window: SpeedWindow; speed: number } {
  const samples = [...w.samples.filter((s) => t - s.t <= SPEED_WINDOW_MS && s.bytes <= bytes), { t, bytes }];
  const first = samples[0]!;
  const dt = (t - first.t) / 1000;
  const speed = dt > 0 ? (bytes - first.bytes) / dt : 0;
  return { window: { samples }, speed };
}

/** Seconds left given remaining bytes and speed, or null. */
export function etaSeconds(bytes: number, total: number | null, speed: number): number | null {
  if (total === null || speed <= 0) return null;
  return Math.max(0, (total - bytes) / speed);
}

/** Final outcome of one card attempt. */
export interface CardResult {
  device: string;
  ok: boolean;
  verified: boolean;
  bytes: number;
  error: string | null;
  cancelled: boolean;
  durationMs: number;
  /** How the card was written: 'sparse', 'bmap' or 'full'. */
  mode?: WriteMode;
}
