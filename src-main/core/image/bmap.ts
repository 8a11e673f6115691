import type { ByteRange } from './byte-ranges.js';

/** One range of a bmap: blocks first..last (inclusive) and, when given, the checksum of their bytes. */
export interface BmapRange {
  first: number;
  last: number;
  checksum: string | null;
}

/** A block map in bmaptool's XML format (versions 1.x with SHA-1, 2.x with sha256 or md5). */
export interface Bmap {
  version: string;
  imageSize: number;
  blockSize: number;
  blocksCount: number;
  /** The hash the range and file checksums use (node:crypto's name). */
  checksumType: 'sha256' | 'sha1' | 'md5';
  /** The checksum of the bmap file itself (computed with this field set to zeros), when it carries one. */
  fileChecksum: string | null;
  ranges: BmapRange[];
}

/** A bmap that cannot be used: the message names the file and the cause. */
export class BmapError extends Error {}

function field(text: string, tag: string): string | null {
  const m = new RegExp(`<${tag}>\\s*([^<]*?)\\s*</${tag}>`).exec(text);
  return m ? m[1]! : null;
}

/** Parses a bmap file's text; `name` is the file's name for the messages. */
export function parseBmap(text: string, name: string): Bmap {
  const bad = (cause: string): BmapError => new BmapError(`${name}: ${cause}`);
  const version = /<bmap\s+version="([0-9]+\.[0-9]+)"/.exec(text)?.[1];
  if (!version) throw bad('not a bmap file (no <bmap version="..."> element)');
  const major = Number(version.split('.')[0]);
  if (major < 1 || major > 2) throw bad(`bmap format version ${version} is not supported (1.x and 2.x are)`);
  const int = (tag: string): number => {
    const v = field(text, tag);
    if (v === null || !/^[0-9]+$/.test(v)) throw bad(`<${tag}> is missing or not a number`);
    return Number(v);
  };
  const imageSize = int('ImageSize');
  const blockSize = int('BlockSize');
  const blocksCount = int('BlocksCount');
  if (blockSize === 0 || blockSize % 512 !== 0) throw bad(`block size ${blockSize} is not a multiple of 512`);
  if (blocksCount !== Math.ceil(imageSize / blockSize)) throw bad(`${blocksCount} blocks of ${blockSize} bytes do not make an image of ${imageSize} bytes`);
  const declared = major === 1 ? 'sha1' : (field(text, 'ChecksumType') ?? '').toLowerCase();
  if (declared !== 'sha256' && declared !== 'sha1' && declared !== 'md5') throw bad(`checksum type "${declared}" is not supported`);
  const fileChecksum = field(text, major === 1 ? 'BmapFileSHA1' : 'BmapFileChecksum');
  const map = /<BlockMap>([\s\S]*?)<\/BlockMap>/.exec(text)?.[1];
  if (map === undefined) throw bad('no <BlockMap> element');
  const ranges: BmapRange[] = [];
  const attr = major === 1 ? 'sha1' : 'chksum';
  for (const m of map.matchAll(/<Range([^>]*)>\s*([^<]*?)\s*<\/Range>/g)) {
    const span = /^([0-9]+)(?:\s*-\s*([0-9]+))?$/.exec(m[2]!);
    if (!span) throw bad(`range "${m[2]}" is not "first-last" block numbers`);
    const first = Number(span[1]);
    const last = span[2] === undefined ? first : Number(span[2]);
    if (last < first || last >= blocksCount) throw bad(`range ${first}-${last} lies outside the image's ${blocksCount} blocks`);
    const previous = ranges[ranges.length - 1];
    if (previous && first <= previous.last) throw bad(`range ${first}-${last} overlaps or precedes range ${previous.first}-${previous.last}`);
    const checksum = new RegExp(`${attr}="([0-9a-fA-F]+)"`).exec(m[1]!)?.[1]?.toLowerCase() ?? null;
    ranges.push({ first, last, checksum });
  }
  return { version, imageSize, blockSize, blocksCount, checksumType: declared, fileChecksum: fileChecksum?.toLowerCase() ?? null, ranges };
}

/** The bmap's text as its own checksum was computed: the checksum field's value replaced by as many "0"s. */
export function bmapTextForChecksum(text: string, bmap: Bmap): string {
  if (bmap.fileChecksum === null) return text;
  const tag = bmap.version.startsWith('1.') ? 'BmapFileSHA1' : 'BmapFileChecksum';
  return text.replace(new RegExp(`(<${tag}>\\s*)[0-9a-fA-F]+`), (_, open: string) => open + '0'.repeat(bmap.fileChecksum!.length));
}

/** The bytes of the image a bmap range covers (the last block may end at the image's end). */
export function bmapRangeBytes(bmap: Bmap, range: BmapRange): ByteRange {
  const offset = range.first * bmap.blockSize;
  return { offset, length: Math.min(bmap.imageSize, (range.last + 1) * bmap.blockSize) - offset };
}
