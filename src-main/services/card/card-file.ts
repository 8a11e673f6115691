import { open, rename, rm } from 'node:fs/promises';
import type { SparseImage } from './sparse-image.js';

/** Writes a sparse image to a file: the file gets the image's size, only written blocks hold data (holes elsewhere). */
export async function writeImageFile(image: SparseImage, path: string): Promise<{ bytes: number }> {
  const tmp = `${path}.part`;
  const fh = await open(tmp, 'w');
  let bytes = 0;
  try {
    await fh.truncate(image.size);
    for (const e of image.extents()) {
      await fh.write(e.data, 0, e.data.length, e.offset);
      bytes += e.data.length;
    }
    await fh.datasync();
  } catch (error) {
    await fh.close();
    await rm(tmp, { force: true });
    throw error;
  }
  await fh.close();
  await rename(tmp, path);
  return { bytes };
}
