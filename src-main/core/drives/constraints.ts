import { formatBytes } from '../util/format.js';
import { type Drive, isSystemMountpoint } from './drive.js';

/** Why a drive is or is not a target. */
export type ReasonCode =
  | 'system'
  | 'no-size'
  | 'source'
  | 'too-small'
  | 'read-only'
  | 'large'
  | 'mounted'
  | 'virtual-hidden';

/** block: never a target; confirm: a target only after an explicit confirmation; warn: a target, with a note. */
export type ReasonSeverity = 'block' | 'confirm' | 'warn';

/** One reason attached to a drive, in a technician's words. */
export interface Reason {
  code: ReasonCode;
  severity: ReasonSeverity;
  message: string;
}

/** Whether a drive may be written, and why. */
export interface Eligibility {
  eligible: boolean;
  needsConfirm: boolean;
  reasons: Reason[];
}

/** What the rules need to know beyond the drive itself. */
export interface ConstraintContext {
  /** Bytes the image needs on the card, when an image is chosen (a lower bound when estimated). */
  imageSize?: number | null;
  /** The size is an estimate (a gzip trailer's ISIZE): still a lower bound, worded as an estimate. */
  imageSizeIsEstimate?: boolean;
  /** Block device(s) holding the image file (the image's own drive is never a target). */
  sourceDevices?: string[];
  /** Show virtual block devices (zram, nbd...) as targets: a setting, or WALT_BENCH_VIRTUAL_DRIVES=1. */
  includeVirtual?: boolean;
  /** Drives above this size need an explicit confirmation (default 128 GB = 119.2 GiB). */
  largeDriveBytes?: number;
}

/** Default threshold above which a drive is "large" and needs confirmation. */
export const LARGE_DRIVE_BYTES = 128e9;

/**
 * True when the drive is the running system's disk. drivelist calls a non-removable, non-virtual drive "system",
 * which includes a laptop's built-in SD slot (/dev/mmcblk*): such a slot is a target unless it holds a mounted
 * system partition.
 */
export function isSystemDrive(drive: Drive): boolean {
  if (drive.mountpoints.some((m) => isSystemMountpoint(m.path))) return true;
  if (/^\/dev\/mmcblk\d+$/.test(drive.device)) return false;
  return drive.isSystem;
}

/** Applies every rule to a drive. Pure: the same drive and context always give the same answer. */
export function checkDrive(drive: Drive, ctx: ConstraintContext = {}): Eligibility {
  const reasons: Reason[] = [];
  const add = (code: ReasonCode, severity: ReasonSeverity, message: string): void => {
    reasons.push({ code, severity, message });
  };
  if (isSystemDrive(drive)) {
    add('system', 'block', `${drive.device} holds the running system: it is never a target`);
  }
  if (drive.isVirtual && !ctx.includeVirtual) {
    add('virtual-hidden', 'block', `${drive.device} is a virtual block device (turn on "virtual drives" to use it)`);
  }
  if (ctx.sourceDevices?.includes(drive.device)) {
    add('source', 'block', `the image file lives on ${drive.device}: writing it would destroy the image`);
  }
  if (drive.size === null || drive.size <= 0) {
    add('no-size', 'block', `${drive.device} reports no size (no card in the reader?)`);
  } else if (ctx.imageSize != null && drive.size < ctx.imageSize) {
    add(
      'too-small',
      'block',
      `${drive.device} is too small: ${formatBytes(drive.size)} for an image of ${ctx.imageSizeIsEstimate ? `~${formatBytes(ctx.imageSize)} (estimated from the gzip header)` : formatBytes(ctx.imageSize)}`,
    );
  }
  if (drive.isReadOnly) {
    add('read-only', 'block', `${drive.device} is read-only (is the card's lock switch on?)`);
  }
  const large = ctx.largeDriveBytes ?? LARGE_DRIVE_BYTES;
  if (drive.size !== null && drive.size > large) {
    add('large', 'confirm', `${drive.device} is large (${formatBytes(drive.size)}): is it really a card?`);
  }
  const mounted = drive.mountpoints.filter((m) => !isSystemMountpoint(m.path));
  if (mounted.length > 0 && !reasons.some((r) => r.code === 'system')) {
    add('mounted', 'warn', `${drive.device} is mounted at ${mounted.map((m) => m.path).join(', ')}: it will be unmounted`);
  }
  const blocked = reasons.some((r) => r.severity === 'block');
  return { eligible: !blocked, needsConfirm: !blocked && reasons.some((r) => r.severity === 'confirm'), reasons };
}

/** The subset of reasons that block a write, as one sentence. */
export function blockingMessage(e: Eligibility): string {
  return e.reasons
    .filter((r) => r.severity === 'block')
    .map((r) => r.message)
    .join('; ');
}
