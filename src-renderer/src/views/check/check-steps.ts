import type { CommandOutput } from '../../../../src-main/api/contract.js';
import { expectedStartFiles } from '../../../../src-main/core/walt/vci.js';
import { formatBytes } from '../../util/format.js';

/** The verdict of a boot check (as check.start, check.update and check.done carry it). */
export type Verdict = CommandOutput<'check.start'>;
/** One check of the verdict. */
export type CheckRow = Verdict['checks'][number];
/** A check's id. */
export type CheckId = CheckRow['id'];

/** Node models WalT already knows (suggestions only: any model string is accepted, new boards too). */
export const KNOWN_MODELS = [
  'rpi-b',
  'rpi-b-plus',
  'rpi-2-b',
  'rpi-3-b',
  'rpi-3-b-plus',
  'rpi-4-b',
  'rpi-400',
  'rpi-5-b',
  'pc-x86-32',
  'pc-x86-64',
] as const;

/** What the model field accepts (the check.start contract's rule). */
export const MODEL_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** A MAC address as check.start accepts it. */
export const MAC_RE = /^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$/;

/** How the seed's workflow ("adding a new node type") names each of our checks. */
export interface SeedStep {
  /** The seed's step number(s): 0 is the link, before the seed's steps 1-4. */
  step: string;
  /** A one-word name of the step, shown on its badge (the numbers alone meant nothing on screen). */
  name: string;
  /** What the badge's tooltip says: the step of WalT's guide it is. */
  guide: string;
  /** The step in the technician's words, for this model. */
  label: string;
}

/** The seed's step for a check, worded for the expected model. */
export function seedStep(id: CheckId, model: string): SeedStep {
  const m = model || '<model>';
  const file = startFileOf(m);
  switch (id) {
    case 'dhcp':
      return { step: '0', name: 'Link', guide: "Before WalT's guide: the board is on the link and asks DHCP", label: 'Link up, DHCP request seen from the board' };
    case 'identity':
      return { step: '1·2', name: 'Identity', guide: "Steps 1 and 2 of WalT's guide to a new node type: the bootloader identifies the model", label: `Identifies its model, DHCP class walt.node.${m}` };
    case 'fetch':
      return { step: '3', name: 'Request', guide: "Step 3 of WalT's guide: the bootloader asks for its start file", label: `Asks for ${file} by TFTP` };
    case 'transfer':
      return { step: '3', name: 'Download', guide: "Step 3 of WalT's guide: the start file arrives whole", label: `Downloads ${file} completely` };
    case 'run':
      return { step: '4', name: 'Run', guide: "Step 4 of WalT's guide: the bootloader runs the start file (seen on the serial console)", label: `Executes ${file}` };
  }
}

/** The start file the bootloader of this model ends up fetching (start.uboot; start.ipxe for PCs). */
export function startFileOf(model: string): string {
  return expectedStartFiles(model).at(-1) ?? 'start.uboot';
}

/** True when the model is one WalT ships a default image for. */
export function isKnownModel(model: string): boolean {
  return (KNOWN_MODELS as readonly string[]).includes(model);
}

/**
 * Milliseconds since the check started at which each decided check was decided. `at` is the backend's own clock;
 * every verdict is sent right when a check changes, so the newest `at` is "now" and `now - elapsedMs` is the start.
 */
export function sessionStartClock(v: Verdict): number | null {
  const ats = v.checks.map((c) => c.at).filter((a): a is number => a !== null);
  return ats.length > 0 ? Math.max(...ats) - v.elapsedMs : null;
}

/** DHCP option 93 (client architecture, RFC 4578 and IANA) in words. */
export function archName(code: number): string {
  switch (code) {
    case 0:
      return 'x86 BIOS';
    case 6:
      return 'x86 EFI';
    case 7:
    case 9:
      return 'x64 EFI';
    case 0x0a:
      return 'arm32 EFI';
    case 0x0b:
      return 'arm64 EFI';
    case 0x15:
      return 'arm32 U-Boot';
    case 0x16:
      return 'arm64 U-Boot';
    default:
      return `0x${code.toString(16).padStart(2, '0')}`;
  }
}

/** "12.3 s" since the start of the check. */
export function sinceStart(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '+0.0 s';
  return ms < 60_000 ? `+${(ms / 1000).toFixed(1)} s` : `+${Math.floor(ms / 60_000)} min ${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')} s`;
}

/** "236 bytes", "1,234 bytes", "2.0 MiB": exact for a start script's size, binary units above 1 MiB. */
export function byteCount(n: number): string {
  return n < 1024 * 1024 ? `${n.toLocaleString('en')} bytes` : formatBytes(n);
}

/** Local clock time "14:05:09" of an ISO date. */
export function clockTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
