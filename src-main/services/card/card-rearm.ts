import { ApiError } from '../../api/errors.js';
import { FatReader } from '../../core/card/fat-volume.js';
import { SECTOR } from '../../core/card/layout.js';
import { decodeMbr } from '../../core/card/mbr.js';
import { deleteLfnEntry, rearmEntry, type RecoveryState, recoveryState } from '../../core/card/recovery.js';
import { type BlockFile, openBlockFile } from './block-file.js';

/** What rearm found and did. */
export interface RearmResult {
  path: string;
  before: RecoveryState;
  after: RecoveryState;
  changed: boolean;
  message: string;
}

/**
 * Renames RECOVERY.000 back to recovery.bin on a recovery card (or its image) by editing the one directory entry in
 * place: the card is not rewritten. Refuses a card that is not a recovery card or holds both names. `open` opens
 * the card for writing (the card handlers pass one that went through the PathGuard).
 */
export async function rearmCard(path: string, open: () => Promise<BlockFile> = () => openBlockFile(path, true)): Promise<RearmResult> {
  const file = await open();
  try {
    const mbr = decodeMbr(await file.read(0, SECTOR));
    const starts = mbr && mbr.partitions.length > 0 ? mbr.partitions.map((p) => p.startLba * SECTOR) : [0];
    let reader: FatReader | null = null;
    for (const start of starts) {
      reader = await FatReader.open((o, l) => file.read(o, l), start).catch(() => null);
      if (reader) break;
    }
    if (!reader) throw new ApiError('refused', `${path}: no FAT filesystem found`, 'is this the recovery card?');
    const root = await reader.listDir(null, '');
    const { state, used } = recoveryState(root);
    switch (state) {
      case 'armed':
        return { path, before: state, after: state, changed: false, message: `${path}: recovery.bin is in place: the card is ready for the next board` };
      case 'none':
        throw new ApiError('refused', `${path}: neither recovery.bin nor RECOVERY.000 is on the card: not an EEPROM recovery card`);
      case 'both':
        throw new ApiError(
          'refused',
          `${path}: the card holds both recovery.bin and RECOVERY.000`,
          'delete RECOVERY.000 by hand, or rebuild the card (walt-bench flash rpi-4-sd-recovery.tar.gz ...)',
        );
      case 'used': {
        const entry = await file.read(used!.entryOffset, 32);
        const patched = Uint8Array.from(entry);
        rearmEntry(patched);
        for (const at of used!.lfnOffsets) {
          const lfn = Uint8Array.from(await file.read(at, 32));
          deleteLfnEntry(lfn);
          await file.write(at, lfn);
        }
        await file.write(used!.entryOffset, patched);
        const after = recoveryState(await reader.listDir(null, '')).state;
        return { path, before: state, after, changed: true, message: `${path}: RECOVERY.000 renamed back to recovery.bin (one directory entry rewritten)` };
      }
    }
  } finally {
    await file.close();
  }
}
