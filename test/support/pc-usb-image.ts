import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const MiB = 1 << 20;

/**
 * A 25 MiB GPT disk image shaped like walt-node-boot's pc-usb.dd (see /work/shared/testing.md): an EFI FAT
 * partition at 1 MiB, a BIOS boot partition at 14 MiB holding a GRUB-core-sized blob, an ext4 partition at 16 MiB
 * holding grub/i386-pc modules, grub.cfg and ipxe.lkrn; random bytes stand in for the binaries. Uses sfdisk,
 * mkfs.vfat, mcopy and mkfs.ext4 -d. Returns the image path.
 */
export function makePcUsbImage(work: string): string {
  const img = join(work, 'pc-usb.dd');
  writeFileSync(img, '');
  execFileSync('truncate', ['-s', '25M', img]);
  const table = [
    'label: gpt',
    'start=2048, size=24576, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B',
    'start=28672, size=2048, type=21686148-6449-6E6F-744E-656564454649',
    'start=32768, size=16384, type=E6D6D379-F507-44C2-A23C-238F2A3DF928',
  ].join('\n');
  execFileSync('sfdisk', ['-q', img], { input: `${table}\n` });
  const fat = join(work, 'efi.fat');
  execFileSync('truncate', ['-s', '12M', fat]);
  execFileSync('mkfs.vfat', [fat], { stdio: 'ignore' });
  writeFileSync(join(work, 'BOOTX64.EFI'), randomBytes(900 * 1024));
  execFileSync('mmd', ['-i', fat, '::/EFI', '::/EFI/BOOT']);
  execFileSync('mcopy', ['-i', fat, join(work, 'BOOTX64.EFI'), '::/EFI/BOOT/']);
  const root = join(work, 'ext4-root');
  mkdirSync(join(root, 'grub', 'i386-pc'), { recursive: true });
  mkdirSync(join(root, 'ipxe'), { recursive: true });
  for (let i = 0; i < 280; i += 1) writeFileSync(join(root, 'grub', 'i386-pc', `mod${i}.mod`), randomBytes(1000 + ((i * 733) % 9000)));
  writeFileSync(join(root, 'grub', 'grub.cfg'), 'set timeout=0\nmenuentry walt { chainloader /ipxe/ipxe.lkrn }\n');
  writeFileSync(join(root, 'ipxe', 'ipxe.lkrn'), randomBytes(1200 * 1024));
  const ext = join(work, 'root.ext4');
  execFileSync('truncate', ['-s', '8M', ext]);
  execFileSync('mkfs.ext4', ['-q', '-F', '-d', root, ext], { stdio: 'ignore' });
  const fd = openSync(img, 'r+');
  try {
    writeSync(fd, readFileSync(fat), 0, 12 * MiB, 1 * MiB);
    writeSync(fd, randomBytes(300 * 1024), 0, 300 * 1024, 14 * MiB);
    writeSync(fd, readFileSync(ext), 0, 8 * MiB, 16 * MiB);
  } finally {
    closeSync(fd);
  }
  rmSync(root, { recursive: true, force: true });
  rmSync(fat);
  rmSync(ext);
  return img;
}
