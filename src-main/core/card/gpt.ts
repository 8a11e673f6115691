import { SECTOR } from './layout.js';

/** One partition of a GPT. */
export interface GptPartition {
  index: number;
  typeGuid: string;
  typeName: string;
  name: string;
  firstLba: number;
  lastLba: number;
}

const TYPE_NAMES: Record<string, string> = {
  'C12A7328-F81F-11D2-BA4B-00A0C93EC93B': 'EFI System',
  '21686148-6449-6E6F-744E-656564454649': 'BIOS boot',
  '0FC63DAF-8483-4772-8E79-3D69D8477DE4': 'Linux filesystem',
  'EBD0A0A2-B9E5-4433-87C0-68B6B72699C7': 'Microsoft basic data',
};

/** The GUID type of an EFI System partition. */
export const EFI_SYSTEM_GUID = 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B';

/** Formats a GUID stored in GPT's mixed-endian layout. */
export function formatGuid(b: Uint8Array): string {
  const hex = (from: number, to: number, reverse: boolean): string => {
    const part = Array.from(b.subarray(from, to));
    if (reverse) part.reverse();
    return part.map((x) => x.toString(16).padStart(2, '0')).join('');
  };
  return [hex(0, 4, true), hex(4, 6, true), hex(6, 8, true), hex(8, 10, false), hex(10, 16, false)].join('-').toUpperCase();
}

/** True when a sector is a GPT header ("EFI PART"). */
export function isGptHeader(sector: Uint8Array): boolean {
  return sector.length >= 8 && new TextDecoder().decode(sector.subarray(0, 8)) === 'EFI PART';
}

/** Where a GPT header says its partition entries are. */
export function gptEntryArea(header: Uint8Array): { lba: number; count: number; size: number } {
  const v = new DataView(header.buffer, header.byteOffset, header.length);
  return { lba: Number(v.getBigUint64(72, true)), count: v.getUint32(80, true), size: v.getUint32(84, true) };
}

/** Decodes the used entries of a GPT partition array. */
export function decodeGptEntries(entries: Uint8Array, count: number, size: number): GptPartition[] {
  const out: GptPartition[] = [];
  for (let i = 0; i < count && (i + 1) * size <= entries.length; i += 1) {
    const e = entries.subarray(i * size, (i + 1) * size);
    if (e.subarray(0, 16).every((x) => x === 0)) continue;
    const v = new DataView(e.buffer, e.byteOffset, e.length);
    const typeGuid = formatGuid(e.subarray(0, 16));
    let name = '';
    for (let j = 56; j + 1 < 128; j += 2) {
      const c = v.getUint16(j, true);
      if (c === 0) break;
      name += String.fromCharCode(c);
    }
    out.push({
      index: i + 1,
      typeGuid,
      typeName: TYPE_NAMES[typeGuid] ?? 'unknown type',
      name,
      firstLba: Number(v.getBigUint64(32, true)),
      lastLba: Number(v.getBigUint64(40, true)),
    });
  }
  return out;
}

/** Byte size of a GPT entry array read from disk (rounded to sectors). */
export function gptEntryBytes(area: { count: number; size: number }): number {
  return Math.ceil((area.count * area.size) / SECTOR) * SECTOR;
}
