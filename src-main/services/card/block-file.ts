import { constants, type Stats } from 'node:fs';
import { open, realpath, readFile, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { ApiError } from '../../api/errors.js';
import { rereadDone } from '../flash/partition-reread.js';

/** A device or image file opened for positioned reads (and writes when asked). */
export interface BlockFile {
  path: string;
  size: number;
  isDevice: boolean;
  read(offset: number, length: number): Promise<Uint8Array>;
  write(offset: number, data: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

async function deviceSize(path: string): Promise<number> {
  const name = basename(await realpath(path));
  const sectors = Number((await readFile(`/sys/class/block/${name}/size`, 'utf8')).trim());
  return sectors * 512;
}

/** What to do when a device or file cannot be opened: only a missing path is a wrong path. */
export function openHint(path: string, code: string | undefined, writable: boolean): string {
  const device = path.startsWith('/dev/');
  switch (code) {
    case 'ENOENT':
      return device ? 'check the path: is the card reader plugged in? (walt-bench drives lists the cards)' : 'check the path';
    case 'EACCES':
      return device ? 'reading a card needs root: run the station (or walt-bench) with sudo' : `make the file ${writable ? 'writable' : 'readable'} by the station's user, or run it with sudo`;
    case 'EPERM':
      return device
        ? 'the system refuses it even to this user: a card needs root (sudo), and nothing else may hold it'
        : `the system refuses to ${writable ? 'change' : 'open'} the file even for root: it may be immutable (lsattr shows "i"; chattr -i ${path}) or on a read-only mount`;
    case 'EBUSY':
      return 'the card is in use (mounted, or being flashed): unmount it or wait for the flash to end';
    case 'EROFS':
      return "the card is read-only: is its lock switch on?";
    case 'ENXIO':
    case 'ENOMEDIUM':
      return 'no card in the reader: insert the card';
    case 'EISDIR':
      return 'that is a folder: point at a card (/dev/sdX), an image file or an archive';
    default:
      return 'check the path, and that the card is still in the reader';
  }
}

/**
 * Opens a device or an image file; the error says which and why. With `expect` (the stat a PathGuard checked), the
 * opened file must be that very device or file, a final symlink is not followed, and a device opened for writing
 * is opened O_EXCL: the kernel itself refuses it while anything (a mount, swap) holds it.
 */
export async function openBlockFile(path: string, writable = false, expect?: Stats): Promise<BlockFile> {
  let fh: FileHandle;
  // Never while a flash of this card has its partition table reread (the reread runs after the flash is announced).
  await rereadDone(path);
  const exclusive = writable && expect?.isBlockDevice() ? constants.O_EXCL : 0;
  const flags = (writable ? constants.O_RDWR : constants.O_RDONLY) | (expect ? constants.O_NOFOLLOW : 0) | exclusive;
  try {
    fh = await open(path, flags);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EBUSY' ? 'in use: mounted or held by another program' : (code ?? String(error));
    const apiCode = code === 'ENOENT' ? 'not-found' : code === 'EBUSY' ? 'refused' : code === 'EACCES' || code === 'EPERM' ? 'permission' : 'io-error';
    throw new ApiError(apiCode, `${path}: cannot open (${why})`, openHint(path, code, writable));
  }
  const st = await fh.stat();
  if (expect && (st.isBlockDevice() ? st.rdev !== expect.rdev : st.dev !== expect.dev || st.ino !== expect.ino)) {
    await fh.close();
    throw new ApiError('refused', `${path} changed between the check and the open: nothing was done`);
  }
  const isDevice = st.isBlockDevice();
  const size = isDevice ? await deviceSize(path) : st.size;
  return {
    path,
    size,
    isDevice,
    async read(offset, length) {
      const buf = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
      let done = 0;
      while (done < buf.length) {
        const { bytesRead } = await fh.read(buf, done, buf.length - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return new Uint8Array(buf.buffer, buf.byteOffset, length <= buf.length ? length : buf.length);
    },
    async write(offset, data) {
      await fh.write(data, 0, data.length, offset);
      await fh.datasync();
    },
    close: () => fh.close(),
  };
}
