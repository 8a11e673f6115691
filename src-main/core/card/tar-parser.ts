import type { ArchiveMember, MemberType } from './archive-rules.js';
import { TarFormatError } from './tar-format-error.js';
import { parsePaxRecords, type PaxRecords } from './tar-pax.js';

/** What the tar parser reports, in archive order. */
export type TarEvent =
  | { type: 'member'; member: ArchiveMember }
  | { type: 'data'; bytes: Uint8Array }
  | { type: 'member-end' }
  | { type: 'end' };

const BLOCK = 512;
const latin1 = new TextDecoder('latin1');
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export { TarFormatError };

/** True when a 512-byte block looks like a tar header (ustar magic, or a v7 header whose checksum matches). */
export function isTarHeader(block: Uint8Array): boolean {
  if (block.length < BLOCK) return false;
  if (latin1.decode(block.subarray(257, 262)) === 'ustar') return true;
  return block[0] !== 0 && checksumOk(block);
}

function checksumOk(block: Uint8Array): boolean {
  const stored = parseNumber(block.subarray(148, 156));
  let unsigned = 0;
  let signed = 0; // some old tars summed signed chars
  for (let i = 0; i < BLOCK; i += 1) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

/** Text of a name field: UTF-8 as every current tar writes it, Latin-1 for the old tars that wrote bytes. */
export function decodeName(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  const field = end === -1 ? bytes : bytes.subarray(0, end);
  try {
    return strictUtf8.decode(field);
  } catch {
    return latin1.decode(field);
  }
}

/** A numeric header field: octal text, or GNU's base-256 (first byte 0x80 positive, 0xff negative). */
function parseNumber(bytes: Uint8Array): number {
  const first = bytes[0]!;
  if (first === 0x80) {
    let v = 0;
    for (let i = 1; i < bytes.length; i += 1) v = v * 256 + bytes[i]!;
    return v;
  }
  if (first === 0xff) {
    // two's complement: -(~value) - 1
    let v = 0;
    for (let i = 0; i < bytes.length; i += 1) v = v * 256 + (255 - bytes[i]!);
    return -v - 1;
  }
  const text = latin1.decode(bytes).replace(/\0.*$/s, '').trim();
  return text === '' ? 0 : parseInt(text, 8);
}

type Flag = MemberType | 'pax' | 'pax-global' | 'gnu-longname' | 'gnu-longlink' | 'gnu-volume';

function memberType(flag: number): Flag {
  switch (String.fromCharCode(flag)) {
    case '0':
    case '\0':
    case '7':
      return 'file';
    case '5':
    case 'D': // GNU dumpdir: a directory whose data lists its entries
      return 'dir';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '3':
    case '4':
      return 'device';
    case '6':
      return 'fifo';
    case 'S':
      return 'sparse';
    case 'x':
      return 'pax';
    case 'g':
      return 'pax-global';
    case 'L':
      return 'gnu-longname';
    case 'K':
      return 'gnu-longlink';
    case 'V':
      return 'gnu-volume';
    default:
      return 'other';
  }
}

interface Meta {
  kind: 'pax' | 'pax-global' | 'gnu-longname' | 'gnu-longlink' | 'skip';
  parts: Uint8Array[];
  at: number;
}

/**
 * An incremental tar reader for tar as the world writes it: v7, ustar (with its prefix field), GNU (long names and
 * links `L`/`K`, base-256 numbers, old sparse `S`), pax (per-file `x` and global `g` headers: path, linkpath, size,
 * mtime with fractions, GNU.sparse.*). Push bytes as they arrive, get members and their data back. The two zero
 * blocks at the end are the end; an archive that stops at a header boundary without them is accepted; one that
 * stops inside a header or a member is reported as truncated by `finish()`.
 */
export class TarParser {
  private pending = new Uint8Array(BLOCK);
  private pendingBytes = 0;
  private offset = 0;
  private dataLeft = 0;
  private padLeft = 0;
  /** Extension blocks of an old GNU sparse header still to skip. */
  private sparseBlocks = false;
  private meta: Meta | null = null;
  private local: PaxRecords = new Map();
  private global: PaxRecords = new Map();
  private longName: string | null = null;
  private longLink: string | null = null;
  private ended = false;
  private inMember = false;

  /** Feeds bytes; returns the events they complete. */
  push(chunk: Uint8Array): TarEvent[] {
    const events: TarEvent[] = [];
    let at = 0;
    while (at < chunk.length && !this.ended) {
      if (this.dataLeft > 0) {
        const n = Math.min(this.dataLeft, chunk.length - at);
        const bytes = chunk.subarray(at, at + n);
        if (this.meta) this.meta.parts.push(bytes.slice());
        else if (this.inMember) events.push({ type: 'data', bytes });
        this.dataLeft -= n;
        at += n;
        this.offset += n;
        if (this.dataLeft === 0) this.endData(events);
        continue;
      }
      if (this.padLeft > 0) {
        const n = Math.min(this.padLeft, chunk.length - at);
        this.padLeft -= n;
        at += n;
        this.offset += n;
        continue;
      }
      const n = Math.min(BLOCK - this.pendingBytes, chunk.length - at);
      this.pending.set(chunk.subarray(at, at + n), this.pendingBytes);
      this.pendingBytes += n;
      at += n;
      if (this.pendingBytes === BLOCK) {
        this.pendingBytes = 0;
        const headerAt = this.offset;
        this.offset += BLOCK;
        if (this.sparseBlocks) this.sparseBlocks = this.pending[504] !== 0;
        else this.header(this.pending, headerAt, events);
      }
    }
    return events;
  }

  /** Ends the input: throws when the archive stops in the middle of a header or a member. */
  finish(): TarEvent[] {
    if (this.ended) return [];
    if (this.dataLeft > 0 || this.padLeft > 0 || this.pendingBytes > 0 || this.meta || this.sparseBlocks) {
      const what = this.dataLeft > 0 || this.padLeft > 0 || this.meta ? 'a member' : 'a header';
      const end = this.offset + this.pendingBytes;
      throw new TarFormatError(`the tar archive is truncated: it ends at byte ${end}, in the middle of ${what}`, end);
    }
    // no end-of-archive blocks: accepted (every member so far was whole), as GNU tar and bsdtar do
    this.ended = true;
    return [{ type: 'end' }];
  }

  private header(block: Uint8Array, at: number, events: TarEvent[]): void {
    if (block.every((b) => b === 0)) {
      // the end-of-archive marker (two zero blocks; one is enough to stop, what follows is record padding)
      this.ended = true;
      events.push({ type: 'end' });
      return;
    }
    if (!checksumOk(block)) {
      throw new TarFormatError(`not a tar header at byte ${at} (bad checksum): the archive is corrupt or this is not a tar`, at);
    }
    const stored = parseNumber(block.subarray(124, 136));
    if (!Number.isSafeInteger(stored) || stored < 0) throw new TarFormatError(`the header at byte ${at} declares an impossible size`, at);
    const flag = memberType(block[156]!);
    switch (flag) {
      case 'pax':
      case 'pax-global':
      case 'gnu-longname':
      case 'gnu-longlink':
      case 'gnu-volume':
        this.meta = { kind: flag === 'gnu-volume' ? 'skip' : flag, parts: [], at };
        this.startData(stored, events);
        return;
      default:
        this.member(block, at, flag, stored, events);
    }
  }

  private member(block: Uint8Array, at: number, flag: MemberType, stored: number, events: TarEvent[]): void {
    const merged = new Map([...this.global, ...this.local]);
    const pax = { get: (k: string) => (merged.get(k) || undefined), has: (k: string) => !!merged.get(k) };
    // POSIX ustar ("ustar\0") has a prefix field; GNU ("ustar  \0") keeps atime, ctime and sparse data there
    const posix = latin1.decode(block.subarray(257, 263)) === 'ustar\0';
    const prefix = posix ? decodeName(block.subarray(345, 500)) : '';
    const plain = decodeName(block.subarray(0, 100));
    let path = pax.get('path') ?? this.longName ?? (prefix ? `${prefix}/${plain}` : plain);
    const linkTarget = pax.get('linkpath') ?? this.longLink ?? decodeName(block.subarray(157, 257));
    const paxSize = pax.get('size');
    const size = paxSize !== undefined ? paxNumber(paxSize, 'size', at) : stored;
    const paxMtime = pax.get('mtime');
    const mtime = paxMtime !== undefined ? paxNumber(paxMtime, 'mtime', at) : parseNumber(block.subarray(136, 148));
    let type = flag;
    let declared = size;
    // GNU sparse files: old-style 'S' headers, and pax formats 0.0, 0.1 (GNU.sparse.size) and 1.0 (GNU.sparse.major)
    if (flag === 'sparse') {
      declared = parseNumber(block.subarray(483, 495));
      this.sparseBlocks = block[482] !== 0;
    } else if (pax.has('GNU.sparse.major') || pax.has('GNU.sparse.size') || pax.has('GNU.sparse.realsize') || pax.has('GNU.sparse.map')) {
      type = 'sparse';
      path = pax.get('GNU.sparse.name') ?? path;
      declared = paxNumber(pax.get('GNU.sparse.realsize') ?? pax.get('GNU.sparse.size') ?? String(size), 'GNU.sparse.size', at);
    }
    this.local = new Map();
    this.longName = null;
    this.longLink = null;
    const member: ArchiveMember = {
      path,
      type,
      size: type === 'file' || type === 'sparse' ? declared : 0,
      mtimeMs: Math.round(mtime * 1000),
      headerOffset: at,
      ...(type === 'hardlink' || type === 'symlink' ? { linkTarget } : {}),
    };
    events.push({ type: 'member', member });
    this.inMember = true;
    // the bytes stored after the header: a file's data, a sparse file's data chunks (and 1.0 map), a dumpdir's
    // listing, a pax hard link's copy; directories, devices and GNU/ustar hard links store none whatever size says
    const carries = type === 'file' || type === 'sparse' || block[156] === 0x44 || (type === 'hardlink' && paxSize !== undefined);
    this.startData(carries ? size : 0, events);
  }

  private startData(size: number, events: TarEvent[]): void {
    this.dataLeft = size;
    this.padLeft = (BLOCK - (size % BLOCK)) % BLOCK;
    if (size === 0) this.endData(events);
  }

  private endData(events: TarEvent[]): void {
    const meta = this.meta;
    if (meta) {
      this.meta = null;
      const bytes = concat(meta.parts);
      switch (meta.kind) {
        case 'pax':
          this.local = parsePaxRecords(bytes, meta.at);
          break;
        case 'pax-global':
          this.global = new Map([...this.global, ...parsePaxRecords(bytes, meta.at)]);
          break;
        case 'gnu-longname':
          this.longName = decodeName(bytes);
          break;
        case 'gnu-longlink':
          this.longLink = decodeName(bytes);
          break;
        case 'skip':
          break;
      }
      return;
    }
    if (this.inMember) {
      this.inMember = false;
      events.push({ type: 'member-end' });
    }
  }
}

function paxNumber(text: string, key: string, at: number): number {
  const v = Number(text);
  if (!/^-?\d+(\.\d+)?$/.test(text) || !Number.isFinite(v)) {
    throw new TarFormatError(`the pax header at byte ${at} has ${key}="${text}", not a number: the archive is corrupt`, at);
  }
  return v;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
