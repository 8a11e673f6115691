import type { Outcome } from '../../../../src-main/core/boot/verdict.js';
import type { BootVerdictData } from './console-types.js';

/** What each outcome means, in a few words. */
export const OUTCOME_LABELS: Record<Outcome, string> = {
  success: 'Boot file fetched',
  'link-down': 'No Ethernet link',
  'dhcp-failure': 'No DHCP address',
  'tftp-not-found': 'File not found on the server',
  'tftp-timeout': 'TFTP timed out',
  'arp-failure': 'Server did not answer ARP',
  other: 'Other failure',
};

/** The verdict badge: the outcome once something decided it, "watching" while nothing did yet. */
export function verdictBadge(v: BootVerdictData | null): { tone: 'ok' | 'fail' | 'pending'; text: string; outcome: string } {
  if (!v || (!v.final && v.outcome === 'other' && v.furthestStage === null)) return { tone: 'pending', text: 'Waiting for output', outcome: 'none' };
  if (!v.final && v.outcome === 'other') return { tone: 'pending', text: 'Booting…', outcome: v.outcome };
  return { tone: v.outcome === 'success' ? 'ok' : 'fail', text: OUTCOME_LABELS[v.outcome], outcome: v.outcome };
}

/** Milliseconds since power-on as "+0.42 s", "+12.3 s", "+2:05.1". */
export function formatSincePowerOn(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '';
  const s = ms / 1000;
  if (s < 10) return `+${s.toFixed(2)} s`;
  if (s < 60) return `+${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `+${m}:${(s % 60).toFixed(1).padStart(4, '0')}`;
}

/** base64 -> bytes (the serial.data payload). */
export function fromBase64(data: string): Uint8Array {
  const bin = atob(data);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i += 1) out[i] = bin.charCodeAt(i);
  return out;
}

/** The log's file name (what serial.logs.* take) from its path. */
export function logName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
