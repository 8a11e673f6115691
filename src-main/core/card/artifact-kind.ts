import { assertNever } from '../util/assert-never.js';

/** The kinds of boot media walt-node-boot ships (and "unknown"). */
export type ArtifactKind = 'rpi-sd-files' | 'rpi-4-recovery' | 'rpi-5-recovery' | 'pc-usb' | 'unknown';

/** Every artifact kind, in the order the catalog shows them. */
export const ARTIFACT_KINDS: ArtifactKind[] = ['rpi-sd-files', 'rpi-4-recovery', 'rpi-5-recovery', 'pc-usb', 'unknown'];

/** What is known of a medium or an archive to tell its kind. */
export interface ArtifactEvidence {
  /** Files of the FAT partition (or of the archive), with paths relative to its root. */
  files: { path: string; size: number }[];
  /** True when the medium carries a GPT whose EFI System partition was read into `efiFiles`. */
  gpt?: boolean;
  /** Files of the GPT's EFI System partition. */
  efiFiles?: string[];
  /** The archive or image file name, a hint only ("rpi-5-sd-recovery.tar.gz"). */
  nameHint?: string;
}

/** The Pi 4 EEPROM (BCM2711) is 512 KiB; the Pi 5's (BCM2712) 2 MiB: pieeprom.bin is a full EEPROM image. */
const PI4_EEPROM_BYTES = 512 * 1024;
const PI5_EEPROM_BYTES = 2 * 1024 * 1024;

/**
 * Recognizes an artifact by content. rpi-sd-files: bootcode.bin + start*.elf + config.txt + u-boot-rpi-*.img.
 * Recovery cards: recovery.bin + pieeprom.bin + pieeprom.sig; Pi 4 vs Pi 5 by pieeprom.bin's size (512 KiB vs
 * 2 MiB, the EEPROM chip of each board), else by the archive name, else by the recovery.bin being renamed
 * RECOVERY.000 (which says nothing of the board: reported as a Pi 4 only when nothing else tells).
 * pc-usb: a GPT disk whose EFI System partition holds EFI/BOOT/BOOTX64.efi.
 */
export function recognizeArtifact(e: ArtifactEvidence): { kind: ArtifactKind; reason: string } {
  const byName = new Map(e.files.map((f) => [f.path.toLowerCase(), f]));
  const has = (name: string): boolean => byName.has(name);
  const top = [...byName.keys()].filter((p) => !p.includes('/'));
  if (e.gpt) {
    const efi = (e.efiFiles ?? []).map((p) => p.toLowerCase());
    if (efi.includes('efi/boot/bootx64.efi')) {
      return { kind: 'pc-usb', reason: 'a GPT disk whose EFI System partition holds EFI/BOOT/BOOTX64.efi' };
    }
    return { kind: 'unknown', reason: 'a GPT disk without EFI/BOOT/BOOTX64.efi on an EFI System partition' };
  }
  const elf = top.filter((p) => /^start.*\.elf$/.test(p));
  const uboot = top.filter((p) => /^u-boot-rpi-.*\.img$/.test(p));
  if (has('bootcode.bin') && elf.length > 0 && has('config.txt') && uboot.length > 0) {
    return { kind: 'rpi-sd-files', reason: `bootcode.bin, ${elf.length} start*.elf, config.txt and ${uboot.length} u-boot-rpi-*.img` };
  }
  const recovery = has('recovery.bin') || has('recovery.000');
  if (recovery && has('pieeprom.bin') && has('pieeprom.sig')) {
    const size = byName.get('pieeprom.bin')!.size;
    if (size === PI4_EEPROM_BYTES) return { kind: 'rpi-4-recovery', reason: 'pieeprom.bin is 512 KiB: a Pi 4 (BCM2711) EEPROM image' };
    if (size === PI5_EEPROM_BYTES) return { kind: 'rpi-5-recovery', reason: 'pieeprom.bin is 2 MiB: a Pi 5 (BCM2712) EEPROM image' };
    const hint = (e.nameHint ?? '').toLowerCase();
    if (/rpi-?5/.test(hint)) return { kind: 'rpi-5-recovery', reason: `recovery files, and the name "${e.nameHint}" says Pi 5` };
    if (/rpi-?4/.test(hint)) return { kind: 'rpi-4-recovery', reason: `recovery files, and the name "${e.nameHint}" says Pi 4` };
    return size > PI4_EEPROM_BYTES
      ? { kind: 'rpi-5-recovery', reason: `pieeprom.bin is ${size} bytes, over a Pi 4 EEPROM: taken for a Pi 5` }
      : { kind: 'rpi-4-recovery', reason: `pieeprom.bin is ${size} bytes, within a Pi 4 EEPROM: taken for a Pi 4` };
  }
  const missing = ['bootcode.bin', 'config.txt', 'recovery.bin', 'pieeprom.bin'].filter((f) => !has(f));
  return { kind: 'unknown', reason: `none of the walt-node-boot shapes (missing ${missing.join(', ')})` };
}

/** What an artifact is, in a few words for a technician. */
export function describeArtifactKind(kind: ArtifactKind): string {
  switch (kind) {
    case 'rpi-sd-files':
      return 'Raspberry Pi boot files (U-Boot for Pi B to Pi 5): stays in the board';
    case 'rpi-4-recovery':
      return 'Pi 4 / Pi 400 EEPROM recovery card: boot once to enable network boot';
    case 'rpi-5-recovery':
      return 'Pi 5 EEPROM recovery card: boot once to enable network boot';
    case 'pc-usb':
      return 'PC USB stick (iPXE, UEFI and BIOS)';
    case 'unknown':
      return 'not a walt-node-boot medium';
    default:
      return assertNever(kind);
  }
}
