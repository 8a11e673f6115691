import type { Drive } from '../drives/drive.js';
import { assertNever } from '../util/assert-never.js';

/** Where a slot stands in an armed job (the pure state machine the engine drives). */
export type SlotPhase = 'waiting' | 'present-at-arm' | 'busy' | 'done' | 'failed' | 'refused' | 'unplugged';

/** What the engine must do after a slot was looked at. */
export type SlotAction = { kind: 'none' } | { kind: 'write'; drive: Drive } | { kind: 'refuse'; reason: string };

/** The rules of a job that decide whether a card is written. */
export interface SlotRules {
  sizeLimit: number;
}

/** The stable slot of a drive: its /dev/disk/by-path name, or (virtual drives enabled) its device path. */
export function slotOfDrive(drive: Drive, includeVirtual: boolean): string | null {
  if (drive.devicePath?.startsWith('/dev/disk/by-path/')) return drive.devicePath;
  if (drive.isVirtual && includeVirtual) return drive.device;
  return null;
}

/** The drive behind a slot in a drive list (null: the slot's reader is not there). */
export function driveInSlot(slot: string, drives: Drive[], includeVirtual: boolean): Drive | null {
  return drives.find((d) => slotOfDrive(d, includeVirtual) === slot) ?? null;
}

/** True when a slot holds a card: its device reports a size (an empty reader slot reports none). */
export function hasCard(drive: Drive | null): drive is Drive & { size: number } {
  return drive !== null && drive.size !== null && drive.size > 0;
}

/** The phase of a slot when its job is armed: a card already there is never written. */
export function phaseAtArm(drive: Drive | null): SlotPhase {
  if (drive === null) return 'unplugged';
  return hasCard(drive) ? 'present-at-arm' : 'waiting';
}

/** Why a card that appeared may not be written (null: it may). */
export function refusalOf(drive: Drive & { size: number }, rules: SlotRules): string | null {
  if (drive.isSystem) return `${drive.device} is a system drive: never written`;
  if (drive.isReadOnly) return `${drive.device} is read-only (lock switch?)`;
  if (drive.size > rules.sizeLimit) {
    return `${drive.device} holds ${drive.size} bytes, over the job's size limit of ${rules.sizeLimit}: never written`;
  }
  if (drive.mountpoints.length > 0) return `${drive.device} is mounted (${drive.mountpoints[0]!.path})`;
  return null;
}

/**
 * The next phase of a slot from what is in it now. Only a card that APPEARS in a slot that was seen empty is written;
 * a card left in after done/failed/refused/present-at-arm is never written again until it is pulled. A busy slot
 * stays busy whatever is seen (its card's pipeline ends it: a pulled card fails on its own).
 */
export function nextPhase(phase: SlotPhase, drive: Drive | null, rules: SlotRules): { phase: SlotPhase; action: SlotAction } {
  const none: SlotAction = { kind: 'none' };
  if (phase === 'busy') return { phase, action: none };
  if (!hasCard(drive)) return { phase: drive === null ? 'unplugged' : 'waiting', action: none };
  switch (phase) {
    case 'waiting':
    case 'unplugged': {
      const reason = refusalOf(drive, rules);
      return reason === null ? { phase: 'busy', action: { kind: 'write', drive } } : { phase: 'refused', action: { kind: 'refuse', reason } };
    }
    case 'present-at-arm':
    case 'done':
    case 'failed':
    case 'refused':
      return { phase, action: none };
    default:
      return assertNever(phase);
  }
}

/** A card a slot still holds and that must be physically removed before the slot is written again. */
export interface HeldCard {
  size: number;
  serial: string | null;
  description: string;
  /** The phase the slot was in with that card (it returns there when the same card is reported again). */
  phase: 'present-at-arm' | 'done' | 'failed' | 'refused';
}

/** The card held in a slot after it reached a phase that holds it (null: the phase holds no card). */
export function holdCard(phase: SlotPhase, drive: Drive | null): HeldCard | null {
  if (!hasCard(drive)) return null;
  if (phase === 'present-at-arm' || phase === 'done' || phase === 'failed' || phase === 'refused') {
    return { size: drive.size, serial: drive.serial, description: drive.description, phase };
  }
  return null;
}

/**
 * What a slot remembers of its held card now that `drive` is seen. Only a removal the slot saw (the device there
 * without a size) or a different card releases it: a device that vanished from the list (a transient
 * disappearance, a udev change, a reader that re-enumerates) keeps the memory, so the same card re-reported is
 * still never written.
 */
export function stillHeld(held: HeldCard | null, drive: Drive | null): HeldCard | null {
  if (held === null || drive === null) return held;
  if (!hasCard(drive)) return null;
  return isSameCard(held, drive) ? held : null;
}

/** True when a card is the one held (same size, serial and description). */
export function isSameCard(held: HeldCard, drive: Drive & { size: number }): boolean {
  return held.size === drive.size && (held.serial ?? null) === (drive.serial ?? null) && held.description === drive.description;
}

/** True when the job may start one more card: unlimited, or fewer good plus running cards than the count. */
export function mayStartCard(count: number | null, done: number, inProgress: number): boolean {
  return count === null || done + inProgress < count;
}

/** True when a finished card counts: written without error, and verified when the job verifies. */
export function cardCounts(result: { ok: boolean; verified: boolean }, verify: boolean): boolean {
  return result.ok && (result.verified || !verify);
}

/** The technician's announcement of a finished card. */
export function announce(slotNumber: number, outcome: { ok: true; number: number; count: number | null } | { ok: false; error: string }): string {
  if (outcome.ok) {
    const of = outcome.count === null ? '' : ` of ${outcome.count}`;
    return `slot ${slotNumber}: card ${outcome.number}${of} done, remove it`;
  }
  return `slot ${slotNumber}: card FAILED (not counted): ${outcome.error}, remove it`;
}
