import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FixtureFile } from './card-archives.js';

const MiB = 1 << 20;

/**
 * How a technician who knows bmaptool makes an image whose bmap is right for a card holding stale data: each
 * filesystem is built in place in the sparse disk image by its own tools (mkfs at the partition's offset, files copied
 * in with mtools or `mkfs.ext4 -d`), so a hole is only where no tool wrote anything, never a zero block a filesystem
 * wrote and needs (FAT entries, ext bitmaps: `dd conv=sparse` or `fallocate --dig-holes` makes those holes too), and
 * a partition read whole by its firmware (GRUB's BIOS boot partition) is zero-filled with real writes before its
 * payload goes in. `bmaptool create` then maps what the card needs; the card passes the same independent checks.
 */

/** The pc-usb-shaped disk (the layout and file sizes of makePcUsbImage, its own random bytes) built that way. */
export function makePcUsbImageInPlace(work: string): string {
  const img = join(work, 'pc-usb-in-place.dd');
  writeFileSync(img, '');
  execFileSync('truncate', ['-s', '25M', img]);
  const table = [
    'label: gpt',
    'start=2048, size=24576, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B',
    'start=28672, size=2048, type=21686148-6449-6E6F-744E-656564454649',
    'start=32768, size=16384, type=E6D6D379-F507-44C2-A23C-238F2A3DF928',
  ].join('\n');
  execFileSync('sfdisk', ['-q', img], { input: `${table}\n` });
  execFileSync('mkfs.vfat', ['--offset', '2048', img, String((12 * MiB) / 1024)], { stdio: 'ignore' });
  const efi = join(work, 'in-place-BOOTX64.EFI');
  writeFileSync(efi, randomBytes(900 * 1024));
  execFileSync('mmd', ['-i', `${img}@@1M`, '::/EFI', '::/EFI/BOOT']);
  execFileSync('mcopy', ['-i', `${img}@@1M`, efi, '::/EFI/BOOT/BOOTX64.EFI']);
  // The BIOS boot partition: zeros written for real, then the GRUB core over its start.
  execFileSync('dd', [`of=${img}`, 'if=/dev/zero', 'bs=1M', 'seek=14', 'count=1', 'conv=notrunc', 'status=none']);
  const core = join(work, 'in-place-core.img');
  writeFileSync(core, randomBytes(300 * 1024));
  execFileSync('dd', [`of=${img}`, `if=${core}`, 'bs=1M', 'seek=14', 'conv=notrunc', 'status=none']);
  const root = join(work, 'in-place-ext4-root');
  mkdirSync(join(root, 'grub', 'i386-pc'), { recursive: true });
  mkdirSync(join(root, 'ipxe'), { recursive: true });
  for (let i = 0; i < 280; i += 1) writeFileSync(join(root, 'grub', 'i386-pc', `mod${i}.mod`), randomBytes(1000 + ((i * 733) % 9000)));
  writeFileSync(join(root, 'grub', 'grub.cfg'), 'set timeout=0\nmenuentry walt { chainloader /ipxe/ipxe.lkrn }\n');
  writeFileSync(join(root, 'ipxe', 'ipxe.lkrn'), randomBytes(1200 * 1024));
  execFileSync('mkfs.ext4', ['-q', '-F', '-E', `offset=${16 * MiB}`, '-d', root, img, '8M'], { stdio: 'ignore' });
  rmSync(root, { recursive: true, force: true });
  rmSync(efi);
  rmSync(core);
  return img;
}

/**
 * The rpi-sd-files card (an MBR, one FAT32 partition at 4 MiB to the end, as `walt-bench card build` lays it out)
 * built that way: `mkfs.vfat -F 32` at the partition's offset, every file copied in with mtools.
 */
export function makeRpiImageInPlace(work: string, files: FixtureFile[], bytes: number): string {
  const img = join(work, 'rpi-sd-in-place.img');
  writeFileSync(img, '');
  execFileSync('truncate', ['-s', String(bytes), img]);
  execFileSync('sfdisk', ['-q', img], { input: 'label: dos\nstart=8192, type=c\n' });
  execFileSync('mkfs.vfat', ['-F', '32', '--offset', '8192', img, String((bytes - 4 * MiB) / 1024)], { stdio: 'ignore' });
  const tree = join(work, 'in-place-files');
  for (const f of files) {
    mkdirSync(dirname(join(tree, f.path)), { recursive: true });
    writeFileSync(join(tree, f.path), f.data);
  }
  execFileSync('sh', ['-c', `mcopy -s -m -i "${img}@@4M" "${tree}"/* ::/`]);
  rmSync(tree, { recursive: true, force: true });
  if (statSync(img).size !== bytes) throw new Error('the in-place rpi image changed size');
  return img;
}
