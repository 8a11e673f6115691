import { formatBytes, formatDuration } from '../core/util/format.js';
import type { CardProgressEvent } from '../api/contract.js';
import { ApiError } from '../api/errors.js';
import { UsageError } from './args.js';

/** Writes one JSON object per line (the CLI's --json mode). */
export function jsonLine(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}

/** The --json line for an error reaching the top of a command: {"event":"error","code":...,"message":...,"hint"?}. */
export function jsonError(error: unknown): { event: 'error'; code: string; message: string; hint?: string } {
  if (error instanceof ApiError) return { event: 'error', ...error.toJSON() };
  if (error instanceof UsageError) return { event: 'error', code: 'usage', message: error.message };
  return { event: 'error', code: 'internal', message: error instanceof Error ? error.message : String(error) };
}

/** Pads/cuts a string to a width. */
export function cell(text: string, width: number): string {
  return text.length > width ? text.slice(0, width - 1) + '…' : text.padEnd(width);
}

/** One card's progress line: device, bar, percent, phase, speed, ETA. */
export function progressLine(p: CardProgressEvent, width = 30): string {
  const ratio = p.total ? Math.min(1, p.bytes / p.total) : 0;
  const filled = Math.round(ratio * width);
  const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
  const pct = p.total ? `${Math.floor(ratio * 100)}%`.padStart(4) : '   ?';
  const speed = p.speed > 0 ? `${(p.speed / 1e6).toFixed(1)} MB/s` : '';
  const eta = p.eta !== null && p.phase !== 'done' && p.phase !== 'failed' ? `ETA ${formatDuration(p.eta)}` : '';
  return `${cell(p.device, 14)} [${bar}] ${pct} ${cell(p.phase, 10)} ${cell(formatBytes(p.bytes), 10)} ${cell(speed, 12)} ${eta}`;
}
