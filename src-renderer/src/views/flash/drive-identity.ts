import type { DriveIdentityData, DriveStatus } from '../../../../src-main/api/contract.js';

/** The identity of a drive as selected: what flash.start re-checks right before opening it. */
export function identityOf(d: DriveStatus): DriveIdentityData {
  return { device: d.device, size: d.size, description: d.description, serial: d.serial };
}

/** True when a listed drive is still the card that was selected. */
export function sameCard(a: DriveIdentityData, b: DriveIdentityData): boolean {
  return a.device === b.device && a.size === b.size && a.description === b.description && a.serial === b.serial;
}

/** The reasons that keep a drive from being a target, as one sentence. */
export function blockingText(d: DriveStatus): string {
  return d.reasons
    .filter((r) => r.severity === 'block')
    .map((r) => r.message)
    .join('; ');
}
