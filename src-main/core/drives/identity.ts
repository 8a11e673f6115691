import type { Drive, DriveIdentity } from './drive.js';

/** The outcome of comparing a selected drive with what is in the reader now. */
export type IdentityCheck = { ok: true; drive: Drive } | { ok: false; message: string };

/**
 * Checks, right before opening, that the card in `selected.device` is still the one the technician selected:
 * same size, description and serial. A different card in the same slot is refused.
 */
export function recheckIdentity(selected: DriveIdentity, current: Drive[]): IdentityCheck {
  const now = current.find((d) => d.device === selected.device);
  if (!now) {
    return { ok: false, message: `the card in ${selected.device} is gone: it is not in the drive list (removed, or not a whole removable drive)` };
  }
  const changes: string[] = [];
  if (now.size !== selected.size) changes.push(`size ${selected.size ?? 'none'} -> ${now.size ?? 'none'}`);
  if (now.description !== selected.description) {
    changes.push(`description "${selected.description}" -> "${now.description}"`);
  }
  if ((now.serial ?? null) !== (selected.serial ?? null)) {
    changes.push(`serial ${selected.serial ?? 'none'} -> ${now.serial ?? 'none'}`);
  }
  if (changes.length > 0) {
    return {
      ok: false,
      message: `the card in ${selected.device} changed since you selected it (${changes.join(', ')}): select it again`,
    };
  }
  return { ok: true, drive: now };
}
