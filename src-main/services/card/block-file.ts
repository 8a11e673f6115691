import { open, realpath, readFile, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { ApiError } from '../../api/errors.js';

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

/** Opens a device or an image file; the error says which and why. */
export async function openBlockFile(path: string, writable = false): Promise<BlockFile> {
  let fh: FileHandle;
  try {
    fh = await open(path, writable ? 'r+' : 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint = code === 'EACCES' ? 'run as root for a card (sudo)' : 'check the path';
    throw new ApiError(code === 'ENOENT' ? 'not-found' : 'io-error', `${path}: cannot open (${code ?? String(error)})`, hint);
  }
  const st = await fh.stat();
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
