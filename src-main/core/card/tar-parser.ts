import type { ArchiveMember, MemberType } from './archive-rules.js';

/** What the tar parser reports, in archive order. */
export type TarEvent =
  | { type: 'member'; member: ArchiveMember }
  | { type: 'data'; bytes: Uint8Array }
  | { type: 'member-end' }
  | { type: 'end' };

const BLOCK = 512;
const ascii = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/** A tar archive that cannot be read: the cause and the archive offset. */
export class TarFormatError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
    this.name = 'TarFormatError';
  }
}

/** True when a 512-byte block looks like a tar header (ustar magic, or a v7 header whose checksum matches). */
export function isTarHeader(block: Uint8Array): boolean {
  if (block.length < BLOCK) return false;
  if (ascii.decode(block.subarray(257, 262)) === 'ustar') return true;
  return block[0] !== 0 && checksumOk(block);
}

function checksumOk(block: Uint8Array): boolean {
  const stored = parseOctal(block.subarray(148, 156));
  let sum = 0;
  for (let i = 0; i < BLOCK; i += 1) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return stored === sum;
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return utf8.decode(end === -1 ? bytes : bytes.subarray(0, end));
}

function parseOctal(bytes: Uint8Array): number {
  if (bytes[0]! & 0x80) {
    // GNU base-256: big-endian binary after the marker bit
    let v = bytes[0]! & 0x7f;
    for (let i = 1; i < bytes.length; i += 1) v = v * 256 + bytes[i]!;
    return v;
  }
  const text = ascii.decode(bytes).replace(/\0.*$/s, '').trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function memberType(flag: string): MemberType | 'pax' | 'pax-global' | 'gnu-longname' | 'gnu-longlink' {
  switch (flag) {
    case '0':
    case '\0':
    case '7':
      return 'file';
    case '5':
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
    case 'x':
      return 'pax';
    case 'g':
      return 'pax-global';
    case 'L':
      return 'gnu-longname';
    case 'K':
      return 'gnu-longlink';
    default:
      return 'other';
  }
}

function parsePax(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let rest = text;
  while (rest.length > 0) {
    const space = rest.indexOf(' ');
    const len = parseInt(rest.slice(0, space), 10);
    if (!(len > 0)) break;
    const record = rest.slice(space + 1, len - 1);
    const eq = record.indexOf('=');
    out.set(record.slice(0, eq), record.slice(eq + 1));
    rest = rest.slice(len);
  }
  return out;
}

/**
 * An incremental tar reader (ustar, GNU long names, pax headers): push bytes as they arrive, get members and their
 * data back. `finish()` says whether the archive ended properly; a short archive is reported as truncated.
 */
export class TarParser {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private offset = 0;
  private dataLeft = 0;
  private padLeft = 0;
  private meta: { kind: 'pax' | 'gnu-longname' | 'gnu-longlink' | 'skip'; parts: Uint8Array[]; left: number } | null = null;
  private pax = new Map<string, string>();
  private longName: string | null = null;
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
        else events.push({ type: 'data', bytes });
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
      this.pending.push(chunk.subarray(at, at + n));
      this.pendingBytes += n;
      at += n;
      if (this.pendingBytes === BLOCK) {
        const block = concat(this.pending, BLOCK);
        this.pending = [];
        this.pendingBytes = 0;
        this.header(block, events);
        this.offset += BLOCK;
      }
    }
    return events;
  }

  /** Ends the input: throws when the archive stops in the middle of a member or before any member. */
  finish(): TarEvent[] {
    if (this.dataLeft > 0 || this.pendingBytes > 0 || this.meta) {
      throw new TarFormatError(`the tar archive is truncated: it stops in the middle of a member at byte ${this.offset}`, this.offset);
    }
    if (this.inMember) return [{ type: 'member-end' }, { type: 'end' }];
    return this.ended ? [] : [{ type: 'end' }];
  }

  private header(block: Uint8Array, events: TarEvent[]): void {
    if (block.every((b) => b === 0)) {
      // the end-of-archive marker (two zero blocks; one is enough to stop)
      this.ended = true;
      events.push({ type: 'end' });
      return;
    }
    if (!checksumOk(block)) {
      throw new TarFormatError(`not a tar header at byte ${this.offset} (bad checksum): the archive is corrupt`, this.offset);
    }
    const size = parseOctal(block.subarray(124, 136));
    const type = memberType(String.fromCharCode(block[156]!));
    if (type === 'pax' || type === 'gnu-longname' || type === 'gnu-longlink' || type === 'pax-global') {
      this.meta = { kind: type === 'pax-global' ? 'skip' : type, parts: [], left: size };
      this.startData(size, events);
      return;
    }
    const prefix = ascii.decode(block.subarray(257, 262)) === 'ustar' ? cString(block.subarray(345, 500)) : '';
    const plain = cString(block.subarray(0, 100));
    const path = this.pax.get('path') ?? this.longName ?? (prefix ? `${prefix}/${plain}` : plain);
    const paxSize = this.pax.get('size');
    const realSize = paxSize !== undefined ? Number(paxSize) : size;
    const paxMtime = this.pax.get('mtime');
    const mtime = paxMtime !== undefined ? Number(paxMtime) : parseOctal(block.subarray(136, 148));
    this.pax = new Map();
    this.longName = null;
    const member: ArchiveMember = { path, type, size: type === 'file' ? realSize : 0, mtimeMs: Math.round(mtime * 1000) };
    events.push({ type: 'member', member });
    this.inMember = true;
    // links and directories carry no data even when size says otherwise (hard links in old tars)
    this.startData(type === 'file' ? realSize : 0, events);
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
      const text = utf8.decode(concat(meta.parts, meta.parts.reduce((s, p) => s + p.length, 0)));
      if (meta.kind === 'pax') this.pax = parsePax(text);
      else if (meta.kind === 'gnu-longname') this.longName = text.replace(/\0+$/, '');
      return;
    }
    if (this.inMember) {
      this.inMember = false;
      events.push({ type: 'member-end' });
    }
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1 && parts[0]!.length === total) return parts[0]!.slice();
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
