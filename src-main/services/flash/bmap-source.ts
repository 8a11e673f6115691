import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { ApiError } from '../../api/errors.js';
import { type Bmap, BmapError, bmapRangeBytes, bmapTextForChecksum, parseBmap } from '../../core/image/bmap.js';
import type { ByteRange } from '../../core/image/byte-ranges.js';

const COMPRESSED = /\.(gz|xz|bz2|zst|zip)$/i;

/** Where a bmap beside an image may be: `pc-usb.dd.gz.bmap`, `pc-usb.dd.bmap` (bmaptool's habit), `pc-usb.bmap`. */
export function bmapCandidates(imagePath: string): string[] {
  const plain = imagePath.replace(COMPRESSED, '');
  const stem = plain.replace(/\.[^./]+$/, '');
  return [...new Set([`${imagePath}.bmap`, `${plain}.bmap`, `${stem}.bmap`])];
}

/** The bmap beside an image, if any. */
export function bmapBeside(imagePath: string): string | null {
  return bmapCandidates(imagePath).find((p) => existsSync(p)) ?? null;
}

/** Reads and parses a bmap file, checking its own checksum; refuses it (naming the file and the cause) otherwise. */
export async function loadBmap(path: string): Promise<Bmap> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ApiError('source-error', `${path}: cannot read the bmap (${(error as Error).message})`, 'name an existing bmap file with --bmap');
  }
  let bmap: Bmap;
  try {
    bmap = parseBmap(text, basename(path));
  } catch (error) {
    if (error instanceof BmapError) throw new ApiError('source-error', error.message, 'make the bmap again with bmaptool create, or write with --full');
    throw error;
  }
  if (bmap.fileChecksum !== null) {
    const actual = createHash(bmap.checksumType).update(bmapTextForChecksum(text, bmap)).digest('hex');
    if (actual !== bmap.fileChecksum) {
      throw new ApiError('source-error', `${basename(path)}: the bmap's own checksum does not match (the file was changed or damaged)`, 'download the bmap again');
    }
  }
  return bmap;
}

/**
 * Checks a bmap against the raw (decompressed) image: the same size, and each range's checksum over the image's bytes.
 * Returns the byte ranges to write; refuses (naming the range, its offset and the files) on any mismatch.
 */
export async function checkBmap(bmap: Bmap, bmapPath: string, raw: string | Uint8Array, rawSize: number, imageName: string): Promise<ByteRange[]> {
  const hint = 'use the bmap made for this very image, or write without it (--full, or remove the .bmap)';
  if (bmap.imageSize !== rawSize) {
    throw new ApiError('refused', `${basename(bmapPath)} describes an image of ${bmap.imageSize} bytes but ${imageName} holds ${rawSize}`, hint);
  }
  const ranges = bmap.ranges.map((r) => bmapRangeBytes(bmap, r));
  const file = typeof raw === 'string' ? await open(raw, 'r') : null;
  try {
    const buffer = Buffer.alloc(4 << 20);
    for (const [i, r] of bmap.ranges.entries()) {
      if (r.checksum === null) continue;
      const { offset, length } = ranges[i]!;
      const hash = createHash(bmap.checksumType);
      if (file === null) hash.update((raw as Uint8Array).subarray(offset, offset + length));
      for (let at = offset; file !== null && at < offset + length; ) {
        const { bytesRead } = await file.read(buffer, 0, Math.min(buffer.length, offset + length - at), at);
        if (bytesRead === 0) break;
        hash.update(buffer.subarray(0, bytesRead));
        at += bytesRead;
      }
      if (hash.digest('hex') !== r.checksum) {
        throw new ApiError(
          'refused',
          `${basename(bmapPath)}: blocks ${r.first}-${r.last} (offset ${offset}) of ${imageName} do not match the bmap's ${bmap.checksumType} checksum`,
          hint,
        );
      }
    }
  } finally {
    await file?.close();
  }
  return ranges;
}
