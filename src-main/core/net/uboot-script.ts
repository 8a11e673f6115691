import { concat, textBytes } from './bytes.js';
import { crc32 } from './crc32.js';

/** U-Boot legacy image magic (include/image.h). */
export const IH_MAGIC = 0x27051956;
/** Header size of a legacy image. */
export const HEADER_SIZE = 64;

/** Architectures a script image can name (U-Boot's IH_ARCH_*). */
export const IH_ARCH = { arm: 2, x86: 3, arm64: 22, riscv: 26 } as const;
const IH_OS_LINUX = 5;
const IH_TYPE_SCRIPT = 6;
const IH_COMP_NONE = 0;

/** What a script image is made of. */
export interface ScriptImageOptions {
  script: string;
  name?: string;
  arch?: keyof typeof IH_ARCH;
  /** Seconds since the epoch stored in the header (mkimage uses the time, or SOURCE_DATE_EPOCH). */
  time: number;
}

/**
 * A U-Boot legacy script image, byte for byte what `mkimage -A <arch> -O linux -T script -C none -n <name> -d
 * script.txt` makes: a 64-byte big-endian header (magic, header CRC32, time, size, load, entry, data CRC32, os,
 * arch, type, compression, name) then the multi-file payload (the script's length, a zero terminator, the script).
 */
export function scriptImage(options: ScriptImageOptions): Uint8Array {
  const text = textBytes(options.script);
  const lengths = new Uint8Array(8);
  new DataView(lengths.buffer).setUint32(0, text.length);
  const data = concat([lengths, text]);
  const header = new Uint8Array(HEADER_SIZE);
  const view = new DataView(header.buffer);
  view.setUint32(0, IH_MAGIC);
  view.setUint32(8, options.time >>> 0);
  view.setUint32(12, data.length);
  view.setUint32(16, 0);
  view.setUint32(20, 0);
  view.setUint32(24, crc32(data));
  header[28] = IH_OS_LINUX;
  header[29] = IH_ARCH[options.arch ?? 'arm64'];
  header[30] = IH_TYPE_SCRIPT;
  header[31] = IH_COMP_NONE;
  header.set(textBytes(options.name ?? '').subarray(0, 31), 32);
  view.setUint32(4, crc32(header));
  return concat([header, data]);
}

/** The header fields of a legacy image, checked (magic and both CRCs). */
export interface LegacyImageInfo {
  name: string;
  type: number;
  arch: number;
  time: number;
  dataSize: number;
  headerCrcOk: boolean;
  dataCrcOk: boolean;
}

/** Reads a legacy image header; null when the magic is not there. */
export function readLegacyImage(bytes: Uint8Array): LegacyImageInfo | null {
  if (bytes.length < HEADER_SIZE) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== IH_MAGIC) return null;
  const header = bytes.slice(0, HEADER_SIZE);
  new DataView(header.buffer).setUint32(4, 0);
  const dataSize = view.getUint32(12);
  const data = bytes.subarray(HEADER_SIZE, HEADER_SIZE + dataSize);
  const nameBytes = bytes.subarray(32, 64);
  const nul = nameBytes.indexOf(0);
  return {
    name: new TextDecoder().decode(nul >= 0 ? nameBytes.subarray(0, nul) : nameBytes),
    type: bytes[30]!,
    arch: bytes[29]!,
    time: view.getUint32(8),
    dataSize,
    headerCrcOk: crc32(header) === view.getUint32(4),
    dataCrcOk: data.length === dataSize && crc32(data) === view.getUint32(24),
  };
}
