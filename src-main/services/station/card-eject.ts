import { spawn } from 'node:child_process';
import type { Drive, DriveIdentity } from '../../core/drives/drive.js';
import { identityChanges } from '../../core/drives/identity.js';
import { rereadDone } from '../flash/partition-reread.js';

/** Ejects a written card where the platform allows (best effort, 5 s at most). */
export function ejectDevice(device: string): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      const child = spawn('eject', [device], { stdio: 'ignore', timeout: 5000 });
      child.on('error', () => resolve(false));
      child.on('exit', (code) => resolve(code === 0));
    } catch {
      resolve(false);
    }
  });
}

/**
 * Ejects the written card only if the device path still names it (same identity as before the open): a card
 * swapped in meanwhile is never ejected in its place.
 */
export async function ejectIfSame(
  card: DriveIdentity,
  refresh: () => Promise<Drive[]>,
  eject: (device: string) => Promise<boolean>,
): Promise<{ ejected: boolean; skipped: string | null }> {
  let drives: Drive[];
  try {
    drives = await refresh();
  } catch (error) {
    return { ejected: false, skipped: `the drive list failed (${error instanceof Error ? error.message : String(error)})` };
  }
  // the same check as before the open: size, description and serial of the card in that device now
  const now = drives.find((d) => d.device === card.device);
  if (!now) return { ejected: false, skipped: `${card.device} is gone from the drive list` };
  const changes = identityChanges(card, now);
  if (changes.length > 0) return { ejected: false, skipped: `${card.device} holds another card than the one written (${changes.join(', ')})` };
  // the kernel's reread of the written partition table may still run (the writer does not wait for it): an eject
  // meanwhile would find the device busy, or cut the reread short
  await rereadDone(card.device);
  return { ejected: await eject(card.device), skipped: null };
}
