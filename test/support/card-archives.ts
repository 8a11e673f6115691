import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { formatWaltDate } from '../../src-main/core/card/walt-date.js';

/** A file of a test archive: its path in the archive and its bytes. */
export interface FixtureFile {
  path: string;
  data: Buffer;
}

/** The build time every fixture's walt.date and mtimes use (2024-03-01T10:20:30Z). */
export const FIXTURE_EPOCH = 1709288430;

/** A WalT config.txt shaped like walt-node-boot's: one U-Boot image per [pi*] section. */
export const CONFIG_TXT = `# walt-node-boot\n[pi1]\nkernel=u-boot-rpi-b.img\n[pi2]\nkernel=u-boot-rpi-2-b.img\n[pi3]\nkernel=u-boot-rpi-3-b.img\n[pi4]\nkernel=u-boot-rpi-4-b.img\n[pi5]\nkernel=u-boot-rpi-5-b.img\n[all]\nenable_uart=1\n`;

/** Files shaped like rpi-sd-files.tar.gz: firmware, ~300 overlays, U-Boot images, config, walt.date. */
export function rpiSdFiles(options: { overlays?: number; blobMiB?: number } = {}): FixtureFile[] {
  const overlays = options.overlays ?? 310;
  const blob = (options.blobMiB ?? 1) << 20;
  const files: FixtureFile[] = [
    { path: 'bootcode.bin', data: randomBytes(52_456) },
    { path: 'start.elf', data: randomBytes(blob * 2 + 12345) },
    { path: 'start4.elf', data: randomBytes(blob * 2 + 54321) },
    { path: 'fixup.dat', data: randomBytes(7_314) },
    { path: 'fixup4.dat', data: randomBytes(5_446) },
    { path: 'config.txt', data: Buffer.from(CONFIG_TXT) },
    { path: 'config-64.txt', data: Buffer.from('arm_64bit=1\n') },
    { path: 'cmdline.txt', data: Buffer.from('console=serial0,115200\n') },
    { path: 'README.walt', data: Buffer.from('Extract and copy these files to a FAT32 SD card.\n') },
    { path: 'walt.date', data: Buffer.from(formatWaltDate(FIXTURE_EPOCH)) },
    { path: 'bcm2710-rpi-3-b.dtb', data: randomBytes(31_000) },
    { path: 'bcm2711-rpi-4-b.dtb', data: randomBytes(52_000) },
    { path: 'docs/licences/LICENCE.broadcom', data: Buffer.from('Copyright Broadcom\n') },
  ];
  for (const m of ['b', '2-b', '3-b', '4-b', '3-b-64b', '4-b-64b', '5-b']) {
    files.push({ path: `u-boot-rpi-${m}.img`, data: randomBytes(Math.round(blob * 0.6) + m.length) });
  }
  for (let i = 0; i < overlays; i += 1) {
    files.push({ path: `overlays/overlay-${String(i).padStart(3, '0')}-MixedCase.dtbo`, data: randomBytes(600 + ((i * 977) % 4000)) });
  }
  files.push({ path: 'overlays/README', data: Buffer.from('overlays\n') });
  return files;
}

/** Files shaped like rpi-4-sd-recovery.tar.gz (generation 4) or rpi-5-sd-recovery.tar.gz (5). */
export function recoveryFiles(generation: 4 | 5): FixtureFile[] {
  return [
    { path: 'pieeprom.bin', data: randomBytes(generation === 4 ? 512 * 1024 : 2 * 1024 * 1024) },
    { path: 'pieeprom.sig', data: Buffer.from(`${createHash('sha256').update(String(generation)).digest('hex')}\nts: ${FIXTURE_EPOCH}\n`) },
    { path: 'recovery.bin', data: randomBytes(generation === 4 ? 98_000 : 180_000) },
    { path: 'walt.date', data: Buffer.from(formatWaltDate(FIXTURE_EPOCH)) },
  ];
}

/** Writes files into a folder with the fixture mtime (directories too). */
export function writeTree(dir: string, files: FixtureFile[], mtime = FIXTURE_EPOCH): void {
  const dirs = new Set<string>();
  for (const f of files) {
    const p = join(dir, f.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.data);
    utimesSync(p, mtime, mtime);
    for (let d = dirname(f.path); d !== '.'; d = dirname(d)) dirs.add(d);
  }
  for (const d of dirs) utimesSync(join(dir, d), mtime, mtime);
}

/** Packs a folder's content with GNU tar (gzip when the name ends in .gz) or zip; returns the archive path. */
export function packTree(dir: string, out: string): string {
  if (out.endsWith('.zip')) execFileSync('sh', ['-c', `cd "${dir}" && zip -qr -X "${out}" .`]);
  else execFileSync('tar', [out.endsWith('.gz') ? '-czf' : '-cf', out, '-C', dir, '.']);
  return out;
}

/** Builds a test archive from files: folder + tar/tar.gz/zip. */
export function makeArchive(work: string, name: string, files: FixtureFile[]): string {
  const tree = join(work, `${name}.d`);
  writeTree(tree, files);
  return packTree(tree, join(work, name));
}
