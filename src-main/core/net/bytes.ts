/** Small byte helpers for the packet codecs (Uint8Array and DataView only: core has no Buffer). */

const encoder = new TextEncoder();
const decoder = new TextDecoder('latin1');

/** Text as bytes (UTF-8). */
export function textBytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Bytes as text, byte for byte (latin1), stopping at the first NUL when asked. */
export function bytesText(bytes: Uint8Array, stopAtNul = false): string {
  const end = stopAtNul ? bytes.indexOf(0) : -1;
  return decoder.decode(end >= 0 ? bytes.subarray(0, end) : bytes);
}

/** "192.168.1.2" from 4 bytes. */
export function ipText(bytes: Uint8Array, offset = 0): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

/** 4 bytes from "192.168.1.2"; throws on anything else. */
export function ipBytes(ip: string): Uint8Array {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`not an IPv4 address: "${ip}"`);
  }
  return Uint8Array.from(parts);
}

/** "52:54:00:12:34:56" from bytes. */
export function macText(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** Bytes from "52:54:00:12:34:56" (or with dashes). */
export function macBytes(mac: string): Uint8Array {
  const parts = mac.split(/[:-]/).map((h) => parseInt(h, 16));
  if (parts.length !== 6 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`not a MAC address: "${mac}"`);
  }
  return Uint8Array.from(parts);
}

/** Joins byte arrays. */
export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** True when every byte is printable ASCII. */
export function isPrintable(bytes: Uint8Array): boolean {
  return bytes.length > 0 && bytes.every((b) => b >= 0x20 && b < 0x7f);
}

/** A malformed packet: the field and the byte offset where decoding stopped. */
export class PacketError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
    this.name = 'PacketError';
  }
}
