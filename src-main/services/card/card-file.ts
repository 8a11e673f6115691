import { type OutputTarget, writeOutput } from '../access/output-file.js';
import type { SparseImage } from './sparse-image.js';

/**
 * Writes a sparse image to an output checked by checkOutput: the file gets the image's size, only written blocks
 * hold data (holes elsewhere); it goes through `<output>.part` and never replaces a file unless the target says so.
 */
export async function writeImageFile(image: SparseImage, target: OutputTarget): Promise<{ bytes: number }> {
  let bytes = 0;
  await writeOutput(target, async (fh) => {
    await fh.truncate(image.size);
    for (const e of image.extents()) {
      await fh.write(e.data, 0, e.data.length, e.offset);
      bytes += e.data.length;
    }
  });
  return { bytes };
}
