/** Names of boot firmware that make a zip an archive of card files even though they end in .bin. */
const FIRMWARE = /^(bootcode|recovery|pieeprom|start[^/]*|fixup[^/]*)\.(bin|elf|dat)$/i;

/** Names that only boot files carry (a card's config, WalT's build stamp). */
const BOOT_FILE = /^(config\.txt|cmdline\.txt|walt\.date)$/i;

/**
 * Tells a zip of boot files (built into a FAT32 card) from a zip of disk images (written raw) by its entries: boot
 * files are folders, Raspberry Pi firmware (bootcode.bin, start*.elf, recovery.bin, pieeprom.bin...), U-Boot images,
 * config.txt or walt.date. Anything else (images, or loose unrelated files) is left to the image rules.
 */
export function zipHoldsFiles(names: string[]): boolean {
  const files = names.filter((n) => !n.endsWith('/') && !/(^|\/)(__MACOSX|\.)/.test(n));
  return files.some((n) => n.includes('/') || FIRMWARE.test(n) || BOOT_FILE.test(n) || /^u-boot-rpi-/i.test(n));
}
