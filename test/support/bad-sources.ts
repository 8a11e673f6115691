import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/** Offsets of a zip's single member: its local header and its central-directory record. */
function zipHeaders(zip: Buffer): { local: number; central: number } {
  const local = zip.indexOf(Buffer.from('PK\x03\x04', 'latin1'));
  const central = zip.indexOf(Buffer.from('PK\x01\x02', 'latin1'));
  if (local !== 0 || central < 0) throw new Error('not a one-member zip');
  return { local, central };
}

/** Copies a one-member zip with its recorded CRC-32 changed (local header and central directory agree). */
export function zipWithWrongCrc(src: string, out: string): string {
  const zip = readFileSync(src);
  const { local, central } = zipHeaders(zip);
  const crc = zip.readUInt32LE(central + 16) ^ 0x00010000;
  zip.writeUInt32LE(crc >>> 0, local + 14);
  zip.writeUInt32LE(crc >>> 0, central + 16);
  writeFileSync(out, zip);
  return out;
}

/** Copies a one-member zip whose headers state another uncompressed size (local header and central directory). */
export function zipWithRecordedSize(src: string, out: string, size: number): string {
  const zip = readFileSync(src);
  const { local, central } = zipHeaders(zip);
  zip.writeUInt32LE(size, local + 22);
  zip.writeUInt32LE(size, central + 24);
  writeFileSync(out, zip);
  return out;
}

/** Copies a file with one byte XOR-ed (offset from the end when negative). */
export function withByteFlipped(src: string, out: string, offset: number, mask = 0x01): string {
  const data = readFileSync(src);
  const at = offset < 0 ? data.length + offset : offset;
  data[at] = data[at]! ^ mask;
  writeFileSync(out, data);
  return out;
}

/** The offset of the last byte of the last block's integrity check in a one-stream .xz (just before its index). */
export function xzLastCheckByte(path: string): number {
  const xz = readFileSync(path);
  if (xz.toString('latin1', xz.length - 2) !== 'YZ') throw new Error('no xz footer');
  const indexSize = (xz.readUInt32LE(xz.length - 8) + 1) * 4;
  const indexStart = xz.length - 12 - indexSize;
  if (xz[indexStart] !== 0) throw new Error('no xz index indicator');
  return indexStart - 1;
}

/**
 * A gzip "bomb" that is cheap to make: one gzip member of `memberMiB` MiB of zeros with a random byte every 512
 * (about 200:1, like the 5 GiB in 23 MB), repeated (gunzip reads concatenated members as one stream).
 * Returns the compressed size.
 */
export function gzipBomb(out: string, totalMiB: number, memberMiB = 4): number {
  const data = Buffer.alloc(memberMiB << 20);
  const sprinkle = randomBytes(data.length / 512);
  for (let i = 0; i < sprinkle.length; i += 1) data[i * 512] = sprinkle[i]!;
  const member = gzipSync(data, { level: 6 });
  const fd = openSync(out, 'w');
  try {
    for (let i = 0; i < totalMiB / memberMiB; i += 1) writeSync(fd, member);
  } finally {
    closeSync(fd);
  }
  return member.length * (totalMiB / memberMiB);
}
