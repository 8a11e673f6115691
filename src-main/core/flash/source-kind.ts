/** How an image file is packed ('tar' and 'folder' only ever hold files to build a card from). */
export type SourceKind = 'raw' | 'gz' | 'xz' | 'zip' | 'bz2' | 'tar' | 'folder';

/** File name endings walt-bench accepts as images. */
export const IMAGE_EXTENSIONS = ['.img', '.dd', '.raw', '.bin', '.iso', '.gz', '.xz', '.zip', '.bz2', '.tar', '.tgz'];

/** Detects the packing of an image from its first bytes (the name is only a hint). */
export function detectSourceKind(head: Uint8Array): SourceKind {
  const is = (...bytes: number[]): boolean => bytes.every((b, i) => head[i] === b);
  if (is(0x1f, 0x8b)) return 'gz';
  if (is(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return 'xz';
  if (is(0x50, 0x4b, 0x03, 0x04) || is(0x50, 0x4b, 0x05, 0x06)) return 'zip';
  if (is(0x42, 0x5a, 0x68) && head[3] !== undefined && head[3] >= 0x31 && head[3] <= 0x39) return 'bz2';
  return 'raw';
}

/** Warnings a technician should read before writing an image of this kind. */
export function sourceWarnings(kind: SourceKind): string[] {
  if (kind === 'bz2') {
    return [
      'bzip2 images are decoded by unbzip2-stream 1.4.3, which misreads some streams: keep verification on, ' +
        'or decompress with bunzip2 and write the raw .img',
    ];
  }
  return [];
}

/** Smallest raw file that can be a disk image worth writing (a partition table and one small filesystem). */
export const MIN_RAW_IMAGE = 64 * 1024;

/**
 * Warnings for a file that will be written raw: a name that is not a disk image's (.img .dd .raw .bin .iso), a size
 * too small to hold a partition table and a filesystem, a size that is not whole 512-byte sectors.
 */
export function rawImageWarnings(name: string, size: number): string[] {
  const out: string[] = [];
  const tiny = size < MIN_RAW_IMAGE;
  if (!/\.(img|dd|raw|bin|iso)$/i.test(name)) {
    out.push(`${name} does not have a disk image's name (.img .dd .raw .bin .iso): it will be written raw, byte for byte; is it the right file?`);
  }
  if (tiny) out.push(`${name} is only ${size} bytes: too small to be a disk image (a partition table and a filesystem take more)`);
  else if (size % 512 !== 0) out.push(`${name} is not a whole number of 512-byte sectors (${size} bytes): it may be cut short`);
  return out;
}

/** Names inside a zip that look like disk images, in archive order. */
export function imageEntries(names: string[]): string[] {
  return names.filter((n) => !n.endsWith('/') && !/(^|\/)(__MACOSX|\.)/.test(n) && /\.(img|dd|raw|bin|iso)$/i.test(n));
}
