import { decodeDosDateTime } from './fat-time.js';

/** Reads `length` bytes at an absolute byte offset of a disk or image. */
export type ReadAt = (offset: number, length: number) => Promise<Uint8Array>;

/** The FAT flavours. */
export type FatType = 'FAT12' | 'FAT16' | 'FAT32';

/** The geometry of a FAT filesystem, from its boot sector. */
export interface FatVolume {
  type: FatType;
  /** Absolute byte offset of the filesystem (its boot sector). */
  offset: number;
  bytesPerSector: number;
  sectorsPerCluster: number;
  reservedSectors: number;
  numFats: number;
  fatSectors: number;
  rootEntries: number;
  rootCluster: number;
  totalSectors: number;
  hiddenSectors: number;
  clusterCount: number;
  /** The label in the boot sector ("NO NAME" when none). */
  bootLabel: string;
  serial: number;
}

/** A directory entry found on a FAT volume. */
export interface FatEntry {
  path: string;
  name: string;
  shortName: string;
  isDir: boolean;
  isVolumeLabel: boolean;
  size: number;
  firstCluster: number;
  mtimeMs: number | null;
  /** Absolute byte offset of the 32-byte short entry. */
  entryOffset: number;
  /** Absolute byte offsets of the long-name entries in front of it. */
  lfnOffsets: number[];
}

const ascii = new TextDecoder('latin1');

/** Parses a FAT boot sector (BPB); null when the sector is not one. */
export function parseBootSector(sector: Uint8Array, offset: number): FatVolume | null {
  if (sector.length < 512 || sector[510] !== 0x55 || sector[511] !== 0xaa) return null;
  const v = new DataView(sector.buffer, sector.byteOffset, 512);
  const bytesPerSector = v.getUint16(11, true);
  const sectorsPerCluster = sector[13]!;
  if (![512, 1024, 2048, 4096].includes(bytesPerSector) || sectorsPerCluster === 0 || (sectorsPerCluster & (sectorsPerCluster - 1)) !== 0) {
    return null;
  }
  const reservedSectors = v.getUint16(14, true);
  const numFats = sector[16]!;
  const rootEntries = v.getUint16(17, true);
  const total16 = v.getUint16(19, true);
  const fat16 = v.getUint16(22, true);
  const totalSectors = total16 !== 0 ? total16 : v.getUint32(32, true);
  const fatSectors = fat16 !== 0 ? fat16 : v.getUint32(36, true);
  if (numFats === 0 || fatSectors === 0 || reservedSectors === 0) return null;
  const rootSectors = Math.ceil((rootEntries * 32) / bytesPerSector);
  const dataSectors = totalSectors - reservedSectors - numFats * fatSectors - rootSectors;
  const clusterCount = Math.floor(dataSectors / sectorsPerCluster);
  const type: FatType = clusterCount < 4085 ? 'FAT12' : clusterCount < 65525 ? 'FAT16' : 'FAT32';
  const labelAt = type === 'FAT32' ? 71 : 43;
  return {
    type,
    offset,
    bytesPerSector,
    sectorsPerCluster,
    reservedSectors,
    numFats,
    fatSectors,
    rootEntries,
    rootCluster: type === 'FAT32' ? v.getUint32(44, true) : 0,
    totalSectors,
    hiddenSectors: v.getUint32(28, true),
    clusterCount,
    bootLabel: ascii.decode(sector.subarray(labelAt, labelAt + 11)).trimEnd(),
    serial: v.getUint32(labelAt - 4, true),
  };
}

/** Byte offset (absolute) of the first data cluster, of the fixed root directory (FAT12/16), and cluster size. */
export function fatLayout(vol: FatVolume): { fatStart: number; rootStart: number; dataStart: number; clusterBytes: number } {
  const bps = vol.bytesPerSector;
  const fatStart = vol.offset + vol.reservedSectors * bps;
  const rootStart = fatStart + vol.numFats * vol.fatSectors * bps;
  const dataStart = rootStart + Math.ceil((vol.rootEntries * 32) / bps) * bps;
  return { fatStart, rootStart, dataStart, clusterBytes: vol.sectorsPerCluster * bps };
}

/** Reads a FAT volume's tree: every file and folder, with names, sizes, times and where their entries are. */
export class FatReader {
  private fat: Uint8Array | null = null;

  constructor(private readonly read: ReadAt, readonly volume: FatVolume) {}

  /** Opens the FAT filesystem whose boot sector is at `offset`; null when there is none. */
  static async open(read: ReadAt, offset: number): Promise<FatReader | null> {
    const vol = parseBootSector(await read(offset, 512), offset);
    return vol ? new FatReader(read, vol) : null;
  }

  /** Every entry of the volume (depth first), the volume-label entry included. */
  async tree(): Promise<FatEntry[]> {
    const out: FatEntry[] = [];
    const walk = async (dirCluster: number | null, prefix: string, depth: number): Promise<void> => {
      if (depth > 32) return;
      for (const e of await this.listDir(dirCluster, prefix)) {
        out.push(e);
        if (e.isDir && e.firstCluster >= 2) await walk(e.firstCluster, `${e.path}/`, depth + 1);
      }
    };
    await walk(null, '', 0);
    return out;
  }

  /** The label in the root directory's volume-label entry, or null. */
  async rootLabel(): Promise<string | null> {
    const label = (await this.listDir(null, '')).find((e) => e.isVolumeLabel);
    return label ? label.shortName : null;
  }

  /** Reads a file's bytes by following its cluster chain. */
  async readFile(entry: FatEntry): Promise<Uint8Array> {
    const { dataStart, clusterBytes } = fatLayout(this.volume);
    const out = new Uint8Array(entry.size);
    let at = 0;
    for (const cluster of await this.chain(entry.firstCluster)) {
      if (at >= entry.size) break;
      const n = Math.min(clusterBytes, entry.size - at);
      out.set(await this.read(dataStart + (cluster - 2) * clusterBytes, n), at);
      at += n;
    }
    if (at < entry.size) throw new Error(`${entry.path}: its cluster chain ends before its size (${at} of ${entry.size} bytes)`);
    return out;
  }

  /** The entries of one directory (null: the root). Dot entries and deleted entries are skipped. */
  async listDir(dirCluster: number | null, prefix: string): Promise<FatEntry[]> {
    const regions = await this.dirRegions(dirCluster);
    const out: FatEntry[] = [];
    let lfn: { parts: Map<number, string>; offsets: number[] } | null = null;
    for (const region of regions) {
      const bytes = await this.read(region.start, region.length);
      for (let i = 0; i + 32 <= bytes.length; i += 32) {
        const e = bytes.subarray(i, i + 32);
        const abs = region.start + i;
        if (e[0] === 0x00) return out;
        if (e[0] === 0xe5) {
          lfn = null;
          continue;
        }
        const attr = e[11]!;
        if ((attr & 0x3f) === 0x0f) {
          lfn ??= { parts: new Map(), offsets: [] };
          lfn.parts.set(e[0]! & 0x1f, lfnPart(e));
          lfn.offsets.push(abs);
          continue;
        }
        const shortName = decodeShortName(e);
        if (shortName === '.' || shortName === '..') {
          lfn = null;
          continue;
        }
        const v = new DataView(e.buffer, e.byteOffset, 32);
        const longName = lfn ? [...lfn.parts.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => s).join('') : null;
        const name = longName ?? applyCaseFlags(shortName, e[12]!);
        const isVolumeLabel = (attr & 0x08) !== 0;
        out.push({
          path: prefix + name,
          name,
          shortName,
          isDir: (attr & 0x10) !== 0,
          isVolumeLabel,
          size: v.getUint32(28, true),
          firstCluster: (v.getUint16(20, true) << 16) | v.getUint16(26, true),
          mtimeMs: decodeDosDateTime(v.getUint16(24, true), v.getUint16(22, true)),
          entryOffset: abs,
          lfnOffsets: lfn?.offsets ?? [],
        });
        lfn = null;
      }
    }
    return out;
  }

  private async dirRegions(dirCluster: number | null): Promise<{ start: number; length: number }[]> {
    const { rootStart, dataStart, clusterBytes } = fatLayout(this.volume);
    if (dirCluster === null && this.volume.type !== 'FAT32') return [{ start: rootStart, length: this.volume.rootEntries * 32 }];
    const first = dirCluster ?? this.volume.rootCluster;
    return (await this.chain(first)).map((c) => ({ start: dataStart + (c - 2) * clusterBytes, length: clusterBytes }));
  }

  /** The cluster chain starting at `first`. */
  async chain(first: number): Promise<number[]> {
    if (first < 2) return [];
    const fat = await this.loadFat();
    const out: number[] = [];
    let c = first;
    const end = this.volume.type === 'FAT12' ? 0xff8 : this.volume.type === 'FAT16' ? 0xfff8 : 0x0ffffff8;
    while (c >= 2 && c < end && out.length <= this.volume.clusterCount) {
      out.push(c);
      c = fatEntry(fat, this.volume.type, c);
    }
    return out;
  }

  private async loadFat(): Promise<Uint8Array> {
    if (!this.fat) {
      const { fatStart } = fatLayout(this.volume);
      this.fat = await this.read(fatStart, this.volume.fatSectors * this.volume.bytesPerSector);
    }
    return this.fat;
  }
}

function fatEntry(fat: Uint8Array, type: FatType, cluster: number): number {
  const v = new DataView(fat.buffer, fat.byteOffset, fat.length);
  switch (type) {
    case 'FAT12': {
      const at = cluster + (cluster >> 1);
      const word = v.getUint16(at, true);
      return cluster & 1 ? word >> 4 : word & 0xfff;
    }
    case 'FAT16':
      return v.getUint16(cluster * 2, true);
    case 'FAT32':
      return v.getUint32(cluster * 4, true) & 0x0fffffff;
  }
}

function lfnPart(e: Uint8Array): string {
  const v = new DataView(e.buffer, e.byteOffset, 32);
  let s = '';
  for (const at of [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30]) {
    const c = v.getUint16(at, true);
    if (c === 0 || c === 0xffff) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/** The 8.3 name of a short entry ("RECOVERY.000"). */
export function decodeShortName(e: Uint8Array): string {
  const raw = Uint8Array.from(e.subarray(0, 11));
  if (raw[0] === 0x05) raw[0] = 0xe5;
  const base = ascii.decode(raw.subarray(0, 8)).trimEnd();
  const ext = ascii.decode(raw.subarray(8, 11)).trimEnd();
  return ext ? `${base}.${ext}` : base;
}

/** Applies the NT case flags (byte 12: 0x08 lower-case base, 0x10 lower-case extension) to a short name. */
function applyCaseFlags(short: string, flags: number): string {
  const dot = short.indexOf('.');
  const base = dot === -1 ? short : short.slice(0, dot);
  const ext = dot === -1 ? '' : short.slice(dot + 1);
  const b = flags & 0x08 ? base.toLowerCase() : base;
  const x = flags & 0x10 ? ext.toLowerCase() : ext;
  return x ? `${b}.${x}` : b;
}

/** Encodes an 8.3 name into the 11 bytes of a short entry; null when the name is not a valid upper-case 8.3 name. */
export function encodeShortName(name: string): Uint8Array | null {
  const m = /^([A-Z0-9!#$%&'()@^_`{}~-]{1,8})(?:\.([A-Z0-9!#$%&'()@^_`{}~-]{1,3}))?$/.exec(name);
  if (!m) return null;
  const out = new Uint8Array(11).fill(0x20);
  for (let i = 0; i < m[1]!.length; i += 1) out[i] = m[1]!.charCodeAt(i);
  for (let i = 0; i < (m[2] ?? '').length; i += 1) out[8 + i] = m[2]!.charCodeAt(i);
  return out;
}

/** Normalizes a volume label: upper case, FAT's allowed characters, at most 11 bytes. */
export function normalizeVolumeLabel(label: string): string {
  return label.toUpperCase().replace(/[^A-Z0-9 _-]/g, '_').slice(0, 11).trimEnd() || 'NO NAME';
}

/** A root-directory volume-label entry (attribute 0x08) for a label. */
export function volumeLabelEntry(label: string): Uint8Array {
  const e = new Uint8Array(32);
  const name = normalizeVolumeLabel(label).padEnd(11, ' ');
  for (let i = 0; i < 11; i += 1) e[i] = name.charCodeAt(i);
  e[11] = 0x08;
  return e;
}
