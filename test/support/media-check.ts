import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MiB = 1 << 20;

/** Reads `length` bytes at `offset` of a file or device. */
export function readAt(path: string, offset: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, buf, done, length - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    return buf.subarray(0, done);
  } finally {
    closeSync(fd);
  }
}

/** The files of a FAT volume image (path -> bytes), read with mtools. */
function fatFiles(volume: string, out: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const listing = execFileSync('mdir', ['-i', volume, '-/', '-b', '::/'], { encoding: 'utf8' });
  for (const line of listing.split('\n').map((l) => l.trim()).filter(Boolean)) {
    if (line.endsWith('/')) continue;
    const target = join(out, `f${files.size}`);
    execFileSync('mcopy', ['-n', '-i', volume, line, target]);
    files.set(line.replace(/^::/, ''), readFileSync(target));
  }
  return files;
}

/** The files of an ext volume image (path -> bytes), read with debugfs. */
function extFiles(volume: string, out: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (dir: string): void => {
    const listing = execFileSync('debugfs', ['-R', `ls -p ${dir}`, volume], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    for (const line of listing.split('\n').filter((l) => l.startsWith('/'))) {
      const [, , mode, , , name] = line.split('/');
      if (!name || name === '.' || name === '..' || name === 'lost+found') continue;
      const path = `${dir === '/' ? '' : dir}/${name}`;
      if (mode!.startsWith('4')) walk(path);
      else {
        const target = join(out, `e${files.size}`);
        execFileSync('debugfs', ['-R', `dump ${path} ${target}`, volume], { stdio: 'ignore' });
        files.set(path, readFileSync(target));
      }
    }
  };
  walk('/');
  return files;
}

/** The pc-usb-shaped image's partitions: EFI FAT at 1 MiB (12 MiB), BIOS boot at 14 MiB (1 MiB), ext4 at 16 MiB (8 MiB). */
export const PC_USB_PARTS = { fat: { offset: 1 * MiB, bytes: 12 * MiB }, bios: { offset: 14 * MiB, bytes: 1 * MiB }, ext: { offset: 16 * MiB, bytes: 8 * MiB } };

/**
 * Checks a card (device or file) written from the pc-usb-shaped image independently of walt-bench: the primary GPT
 * (LBA 0-33), the image's backup GPT and the BIOS boot partition equal the image's, `fsck.vfat -n` and `e2fsck -fn`
 * pass on the card's partitions, and every file of the image's FAT and ext4 reads back equal from the card. Returns
 * the problems found (empty when the card is good).
 */
export function checkPcUsbCard(card: string, image: string): string[] {
  const problems: string[] = [];
  const work = mkdtempSync(join(tmpdir(), 'walt-media-check-'));
  try {
    const size = readFileSync(image).length;
    const same = (what: string, offset: number, length: number): void => {
      if (!readAt(card, offset, length).equals(readAt(image, offset, length))) problems.push(`${what} differs`);
    };
    same('primary GPT (LBA 0-33)', 0, 34 * 512);
    same("the image's backup GPT", size - 33 * 512, 33 * 512);
    same('BIOS boot partition', PC_USB_PARTS.bios.offset, PC_USB_PARTS.bios.bytes);
    const slice = (from: string, name: string, part: { offset: number; bytes: number }): string => {
      const path = join(work, name);
      writeFileSync(path, readAt(from, part.offset, part.bytes));
      return path;
    };
    const cardFat = slice(card, 'card.fat', PC_USB_PARTS.fat);
    const cardExt = slice(card, 'card.ext4', PC_USB_PARTS.ext);
    try {
      execFileSync('fsck.vfat', ['-n', cardFat], { stdio: 'pipe' });
    } catch (error) {
      problems.push(`fsck.vfat -n: ${String((error as { stdout?: Buffer }).stdout ?? error)}`);
    }
    try {
      execFileSync('e2fsck', ['-fn', cardExt], { stdio: 'pipe' });
    } catch (error) {
      problems.push(`e2fsck -fn: ${String((error as { stdout?: Buffer }).stdout ?? error)}`);
    }
    const compare = (kind: string, want: Map<string, Buffer>, got: Map<string, Buffer>): void => {
      if (want.size === 0) problems.push(`${kind}: the image holds no files`);
      for (const [path, bytes] of want) {
        const back = got.get(path);
        if (!back) problems.push(`${kind}: ${path} missing on the card`);
        else if (!back.equals(bytes)) problems.push(`${kind}: ${path} differs`);
      }
    };
    compare('FAT', fatFiles(slice(image, 'image.fat', PC_USB_PARTS.fat), work), fatFiles(cardFat, work));
    compare('ext4', extFiles(slice(image, 'image.ext4', PC_USB_PARTS.ext), work), extFiles(cardExt, work));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return problems;
}
