import { spawn } from 'node:child_process';
import type { Drive, DriveIdentity } from '../../core/drives/drive.js';

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

/** Why the device path no longer names the card that was written (null: it still does). */
export function ejectRefusal(card: DriveIdentity, drives: Drive[]): string | null {
  const now = drives.find((d) => d.device === card.device);
  if (!now) return `${card.device} is gone from the drive list`;
  const changes: string[] = [];
  if (now.size !== card.size) changes.push(`size ${card.size ?? 'none'} -> ${now.size ?? 'none'}`);
  if (now.description !== card.description) changes.push(`description "${card.description}" -> "${now.description}"`);
  if ((now.serial ?? null) !== (card.serial ?? null)) changes.push(`serial ${card.serial ?? 'none'} -> ${now.serial ?? 'none'}`);
  return changes.length > 0 ? `${card.device} holds another card than the one written (${changes.join(', ')})` : null;
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
  const why = ejectRefusal(card, drives);
  if (why !== null) return { ejected: false, skipped: why };
  return { ejected: await eject(card.device), skipped: null };
}
