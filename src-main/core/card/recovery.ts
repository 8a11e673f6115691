import type { FatEntry } from './fat-volume.js';

/** Where a recovery card stands: ready to flash an EEPROM, used by a board (recovery.bin renamed), or neither. */
export type RecoveryState = 'armed' | 'used' | 'both' | 'none';

/** Reads the recovery state from the root entries of a card. */
export function recoveryState<E extends Pick<FatEntry, 'shortName' | 'isDir' | 'isVolumeLabel'>>(
  rootEntries: E[],
): { state: RecoveryState; used: E | null } {
  const find = (short: string): E | null =>
    rootEntries.find((e) => !e.isDir && !e.isVolumeLabel && e.shortName.toUpperCase() === short) ?? null;
  const armed = find('RECOVERY.BIN');
  const used = find('RECOVERY.000');
  const state: RecoveryState = armed && used ? 'both' : armed ? 'armed' : used ? 'used' : 'none';
  return { state, used };
}

/** The short-name bytes of "recovery.bin" (upper case, shown lower case through the NT case flags). */
const RECOVERY_BIN = [0x52, 0x45, 0x43, 0x4f, 0x56, 0x45, 0x52, 0x59, 0x42, 0x49, 0x4e];

/**
 * Rewrites a RECOVERY.000 short entry (32 bytes, patched in place) into recovery.bin: the name, and the NT case
 * flags so it reads lower case as the release ships it. Everything else (cluster, size, times) is kept.
 */
export function rearmEntry(entry: Uint8Array): void {
  entry.set(RECOVERY_BIN, 0);
  entry[12] = (entry[12]! & ~0x18) | 0x18;
}

/** Marks a long-name entry deleted (its short entry was renamed, so its checksum no longer matches). */
export function deleteLfnEntry(entry: Uint8Array): void {
  entry[0] = 0xe5;
}
