import { bytesText, concat, PacketError, textBytes } from './bytes.js';

/** TFTP error codes (RFC 1350, RFC 2347). */
export const TFTP_ERROR = {
  notDefined: 0,
  fileNotFound: 1,
  accessViolation: 2,
  diskFull: 3,
  illegalOperation: 4,
  unknownTransferId: 5,
  fileExists: 6,
  noSuchUser: 7,
  optionRefused: 8,
} as const;

/** A decoded TFTP packet. */
export type TftpPacket =
  | { op: 'RRQ' | 'WRQ'; filename: string; mode: string; options: Record<string, string> }
  | { op: 'DATA'; block: number; data: Uint8Array }
  | { op: 'ACK'; block: number }
  | { op: 'ERROR'; code: number; message: string }
  | { op: 'OACK'; options: Record<string, string> };

const OPCODES = ['RRQ', 'WRQ', 'DATA', 'ACK', 'ERROR', 'OACK'] as const;

function strings(bytes: Uint8Array, at: number): string[] {
  const out: string[] = [];
  let start = at;
  for (let i = at; i < bytes.length; i += 1) {
    if (bytes[i] === 0) {
      out.push(bytesText(bytes.subarray(start, i)));
      start = i + 1;
    }
  }
  if (start !== bytes.length) throw new PacketError('a string is not NUL-terminated', start);
  return out;
}

/** Most options a request may carry (RFC 2347 keeps a request within 512 bytes: a few dozen at most). */
export const MAX_TFTP_OPTIONS = 32;

function optionPairs(list: string[], at: number): Record<string, string> {
  if (list.length % 2 !== 0) throw new PacketError('an option has no value', at);
  if (list.length / 2 > MAX_TFTP_OPTIONS) throw new PacketError(`${list.length / 2} options (at most ${MAX_TFTP_OPTIONS})`, at);
  const options: Record<string, string> = {};
  for (let i = 0; i < list.length; i += 2) {
    const name = list[i]!.toLowerCase();
    // Names such as "__proto__" or "constructor" are nobody's option: they never reach the object.
    if (name in Object.prototype) continue;
    options[name] = list[i + 1]!;
  }
  return options;
}

/** Decodes a TFTP packet; throws a PacketError naming what is wrong and where. */
export function decodeTftp(bytes: Uint8Array): TftpPacket {
  if (bytes.length < 4) throw new PacketError(`packet too short (${bytes.length} bytes)`, 0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const code = view.getUint16(0);
  const op = OPCODES[code - 1];
  switch (op) {
    case 'RRQ':
    case 'WRQ': {
      const [filename, mode, ...rest] = strings(bytes, 2);
      if (filename === undefined || mode === undefined) throw new PacketError('request without file name or mode', 2);
      return { op, filename, mode: mode.toLowerCase(), options: optionPairs(rest, 2) };
    }
    case 'DATA':
      return { op, block: view.getUint16(2), data: bytes.subarray(4) };
    case 'ACK':
      return { op, block: view.getUint16(2) };
    case 'ERROR':
      return { op, code: view.getUint16(2), message: bytes.length > 4 ? bytesText(bytes.subarray(4), true) : '' };
    case 'OACK':
      return { op, options: optionPairs(strings(bytes, 2), 2) };
    default:
      throw new PacketError(`unknown opcode ${code}`, 0);
  }
}

function u16(n: number): Uint8Array {
  return Uint8Array.of((n >> 8) & 0xff, n & 0xff);
}

function nulStrings(list: string[]): Uint8Array {
  return concat(list.flatMap((s) => [textBytes(s), Uint8Array.of(0)]));
}

/** Encodes a TFTP packet. */
export function encodeTftp(p: TftpPacket): Uint8Array {
  switch (p.op) {
    case 'RRQ':
    case 'WRQ':
      return concat([u16(p.op === 'RRQ' ? 1 : 2), nulStrings([p.filename, p.mode, ...Object.entries(p.options).flat()])]);
    case 'DATA':
      return concat([u16(3), u16(p.block), p.data]);
    case 'ACK':
      return concat([u16(4), u16(p.block)]);
    case 'ERROR':
      return concat([u16(5), u16(p.code), nulStrings([p.message])]);
    case 'OACK':
      return concat([u16(6), nulStrings(Object.entries(p.options).flat())]);
  }
}

/** Limits of the server side of a transfer. */
export interface TftpLimits {
  /** Largest block size granted (U-Boot asks 1468: an Ethernet frame without fragmentation). */
  maxBlksize: number;
  /** Default retransmission timeout in ms when the client does not ask for one. */
  defaultTimeoutMs: number;
  /** Largest timeout option granted, in s (default 10): a transfer nobody ACKs ends within (retries + 1) x this. */
  maxTimeoutS?: number;
}

/** A decimal option value as RFC 2347 writes it (digits only, no sign, no hex, no exponent), or NaN. */
function decimal(value: string | undefined): number {
  return value !== undefined && /^[0-9]{1,10}$/.test(value) ? Number(value) : NaN;
}

/** What the server agreed to for one read. */
export interface Negotiated {
  blksize: number;
  timeoutMs: number;
  /** Options to acknowledge in an OACK (RFC 2347); null when the client asked for none we honour. */
  oack: Record<string, string> | null;
}

/**
 * Negotiates RFC 2347/2348/2349 options for a read of `size` bytes: blksize (8..65464, capped at the limit), tsize
 * (answered with the real size), timeout (1..255 s, granted up to the limit). Unknown options (windowsize: the
 * transfer stays lock-step) and invalid or out-of-range values are left out of the OACK, as RFC 2347 says.
 */
export function negotiate(requested: Record<string, string>, size: number, limits: TftpLimits): Negotiated {
  const oack: Record<string, string> = {};
  let blksize = 512;
  let timeoutMs = limits.defaultTimeoutMs;
  const b = decimal(requested.blksize);
  if (b >= 8 && b <= 65464) {
    blksize = Math.min(b, limits.maxBlksize);
    oack.blksize = String(blksize);
  }
  if (requested.tsize !== undefined) oack.tsize = String(size);
  const t = decimal(requested.timeout);
  if (t >= 1 && t <= Math.min(255, limits.maxTimeoutS ?? 10)) {
    timeoutMs = t * 1000;
    oack.timeout = String(t);
  }
  return { blksize, timeoutMs, oack: Object.keys(oack).length > 0 ? oack : null };
}

/** What the sender must do next. */
export type SendAction =
  | { kind: 'oack'; options: Record<string, string> }
  | { kind: 'data'; block: number; offset: number; length: number }
  | { kind: 'finished'; bytes: number; retransmits: number }
  | { kind: 'failed'; reason: string };

/** The states of a read transfer, by name. */
export type SendState = 'awaiting-oack-ack' | 'awaiting-ack' | 'finished' | 'failed';

/**
 * The server side of one read (RFC 1350 lock-step), as a pure state machine: it says which packet to (re)send; the
 * caller owns the socket and the timer. ACKs of older blocks (duplicates) are ignored, never answered, which avoids
 * the Sorcerer's Apprentice bug; block numbers roll over past 65535; a timeout retransmits the last packet up to
 * `maxRetries` times, then the transfer fails.
 */
export class ReadTransfer {
  private index = 0;
  private retries = 0;
  private retransmits = 0;
  state: SendState;

  constructor(
    private readonly size: number,
    private readonly negotiated: Negotiated,
    private readonly maxRetries = 5,
  ) {
    this.state = negotiated.oack ? 'awaiting-oack-ack' : 'awaiting-ack';
  }

  /** Number of DATA blocks (a final short or empty block always ends the transfer). */
  get blocks(): number {
    return Math.floor(this.size / this.negotiated.blksize) + 1;
  }

  /** The first packet to send. */
  start(): SendAction {
    if (this.negotiated.oack) return { kind: 'oack', options: this.negotiated.oack };
    this.index = 1;
    return this.dataFor(1);
  }

  /** Handles an ACK; returns what to send, or null to stay silent (a duplicate). */
  onAck(block: number): SendAction | null {
    if (this.state === 'finished' || this.state === 'failed') return null;
    if (block !== (this.index & 0xffff)) return null;
    this.retries = 0;
    if (this.index === this.blocks) {
      this.state = 'finished';
      return { kind: 'finished', bytes: this.size, retransmits: this.retransmits };
    }
    this.state = 'awaiting-ack';
    this.index += 1;
    return this.dataFor(this.index);
  }

  /** Handles the retransmission timer firing. */
  onTimeout(): SendAction {
    if (this.state === 'finished' || this.state === 'failed') return { kind: 'failed', reason: 'transfer already over' };
    this.retries += 1;
    if (this.retries > this.maxRetries) {
      this.state = 'failed';
      return { kind: 'failed', reason: `no ACK for block ${this.index} after ${this.maxRetries} retransmissions` };
    }
    this.retransmits += 1;
    if (this.state === 'awaiting-oack-ack') return { kind: 'oack', options: this.negotiated.oack! };
    return this.dataFor(this.index);
  }

  private dataFor(index: number): SendAction {
    const offset = (index - 1) * this.negotiated.blksize;
    return { kind: 'data', block: index & 0xffff, offset, length: Math.max(0, Math.min(this.negotiated.blksize, this.size - offset)) };
  }
}
