import { SECTOR } from './layout.js';

/** MBR partition type of FAT32 with LBA addressing. */
export const FAT32_LBA = 0x0c;
/** MBR partition type of a GPT protective partition. */
export const GPT_PROTECTIVE = 0xee;

/** One primary partition entry of an MBR. */
export interface MbrPartition {
  index: number;
  bootable: boolean;
  type: number;
  startLba: number;
  sectors: number;
}

/** Encodes an MBR sector with the given primary partitions (CHS fields set to the LBA-only marker). */
export function encodeMbr(partitions: Omit<MbrPartition, 'index'>[], diskSignature: number): Uint8Array {
  if (partitions.length > 4) throw new Error('an MBR holds at most 4 primary partitions');
  const sector = new Uint8Array(SECTOR);
  const view = new DataView(sector.buffer);
  view.setUint32(440, diskSignature >>> 0, true);
  partitions.forEach((p, i) => {
    const at = 446 + i * 16;
    sector[at] = p.bootable ? 0x80 : 0x00;
    // CHS start/end: 0xFE 0xFF 0xFF means "use LBA" for sizes past 8 GB; used everywhere for simplicity
    sector.set([0xfe, 0xff, 0xff], at + 1);
    sector[at + 4] = p.type;
    sector.set([0xfe, 0xff, 0xff], at + 5);
    view.setUint32(at + 8, p.startLba, true);
    view.setUint32(at + 12, p.sectors, true);
  });
  sector[510] = 0x55;
  sector[511] = 0xaa;
  return sector;
}

/** Decodes the primary partitions of an MBR sector, or null when the sector carries no MBR signature. */
export function decodeMbr(sector: Uint8Array): { diskSignature: number; partitions: MbrPartition[] } | null {
  if (sector.length < SECTOR || sector[510] !== 0x55 || sector[511] !== 0xaa) return null;
  const view = new DataView(sector.buffer, sector.byteOffset, SECTOR);
  const partitions: MbrPartition[] = [];
  for (let i = 0; i < 4; i += 1) {
    const at = 446 + i * 16;
    const type = sector[at + 4]!;
    const sectors = view.getUint32(at + 12, true);
    if (type === 0 || sectors === 0) continue;
    partitions.push({ index: i + 1, bootable: sector[at] === 0x80, type, startLba: view.getUint32(at + 8, true), sectors });
  }
  return { diskSignature: view.getUint32(440, true), partitions };
}

/** A human name of an MBR partition type. */
export function mbrTypeName(type: number): string {
  const names: Record<number, string> = {
    0x01: 'FAT12',
    0x04: 'FAT16 (<32M)',
    0x06: 'FAT16',
    0x0b: 'FAT32 (CHS)',
    0x0c: 'FAT32 (LBA)',
    0x0e: 'FAT16 (LBA)',
    0x07: 'NTFS/exFAT',
    0x82: 'Linux swap',
    0x83: 'Linux',
    0xee: 'GPT protective',
    0xef: 'EFI System',
  };
  return names[type] ?? `type 0x${type.toString(16).padStart(2, '0')}`;
}
