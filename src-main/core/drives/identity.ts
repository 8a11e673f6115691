import type { Drive, DriveIdentity } from './drive.js';

/** The outcome of comparing a selected drive with what is in the reader now. */
export type IdentityCheck = { ok: true; drive: Drive } | { ok: false; message: string };

/** What differs between a card as it was seen and the drive in its device now (size, description, serial). */
export function identityChanges(seen: DriveIdentity, now: Drive): string[] {
  const changes: string[] = [];
  if (now.size !== seen.size) changes.push(`size ${seen.size ?? 'none'} -> ${now.size ?? 'none'}`);
  if (now.description !== seen.description) changes.push(`description "${seen.description}" -> "${now.description}"`);
  if ((now.serial ?? null) !== (seen.serial ?? null)) changes.push(`serial ${seen.serial ?? 'none'} -> ${now.serial ?? 'none'}`);
  return changes;
}

/**
 * Checks, right before opening, that the card in `selected.device` is still the one the technician selected:
 * same size, description and serial. A different card in the same slot is refused.
 */
export function recheckIdentity(selected: DriveIdentity, current: Drive[]): IdentityCheck {
  const now = current.find((d) => d.device === selected.device);
  if (!now) {
    return { ok: false, message: `the card in ${selected.device} is gone: it is not in the drive list (removed, or not a whole removable drive)` };
  }
  const changes = identityChanges(selected, now);
  if (changes.length > 0) {
    return {
      ok: false,
      message: `the card in ${selected.device} changed since you selected it (${changes.join(', ')}): select it again`,
    };
  }
  return { ok: true, drive: now };
}
