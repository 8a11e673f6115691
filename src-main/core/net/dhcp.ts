import { bytesText, concat, ipBytes, ipText, macBytes, macText, PacketError } from './bytes.js';
import { type DhcpOptions, nameOptions, OPT, type OptionsToWrite, readOptionArea, writeOptions } from './dhcp-options.js';

/** The DHCP magic cookie (RFC 2131). */
export const MAGIC_COOKIE = [99, 130, 83, 99] as const;
const FIXED = 236;
/** BOOTP's minimum packet size: replies are padded to it (some ROMs drop shorter ones). */
export const MIN_PACKET = 300;

/** A decoded DHCP/BOOTP packet. */
export interface DhcpPacket {
  op: 'request' | 'reply';
  htype: number;
  /** Hardware address length (byte 2): 6 for an Ethernet MAC, 0..16 accepted by the decoder. */
  hlen: number;
  hops: number;
  xid: number;
  secs: number;
  broadcast: boolean;
  ciaddr: string;
  yiaddr: string;
  siaddr: string;
  giaddr: string;
  /** Client hardware address: its `hlen` bytes ("52:54:00:12:34:56" for Ethernet, "" when hlen is 0). */
  chaddr: string;
  /** Server host name field (empty when overloaded with options). */
  sname: string;
  /** Boot file field (empty when overloaded with options). */
  file: string;
  options: DhcpOptions;
  /** True when the packet has the DHCP cookie (false: plain BOOTP). */
  isDhcp: boolean;
}

/**
 * Decodes a DHCP packet: fixed fields, the cookie, options with pads and END, option overload (52) into the file
 * and sname fields, split options (RFC 3396). A truncated or malformed packet throws a PacketError naming the field.
 * An overload value other than 1, 2 or 3 is malformed; an option 52 inside the file or sname field is ignored (it
 * cannot send the decoder round in a loop). A missing END is tolerated, as dnsmasq and ISC dhcpd do.
 */
export function decodeDhcp(bytes: Uint8Array): DhcpPacket {
  if (bytes.length < FIXED) throw new PacketError(`packet too short for BOOTP (${bytes.length} < ${FIXED} bytes)`, bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const op = bytes[0];
  if (op !== 1 && op !== 2) throw new PacketError(`op is ${op}, neither request (1) nor reply (2)`, 0);
  const hlen = bytes[2]!;
  if (hlen > 16) throw new PacketError(`hardware address length ${hlen} > 16`, 2);
  const isDhcp = bytes.length >= FIXED + 4 && MAGIC_COOKIE.every((b, i) => bytes[FIXED + i] === b);
  const raw = new Map<number, Uint8Array>();
  const snameField = bytes.subarray(44, 108);
  const fileField = bytes.subarray(108, 236);
  let overload = 0;
  if (isDhcp) {
    readOptionArea(bytes.subarray(FIXED + 4), FIXED + 4, raw);
    const ov = raw.get(OPT.overload);
    if (ov !== undefined) {
      if (ov.length !== 1 || ov[0]! < 1 || ov[0]! > 3) {
        throw new PacketError(`option overload (52) must be one byte 1, 2 or 3 (got ${ov.length} bytes: ${[...ov.subarray(0, 4)].join(',')})`, FIXED + 4);
      }
      overload = ov[0]!;
    }
    // Options carried in the file then sname fields (RFC 2131 4.1 order); a 52 there is not followed.
    const moved = new Map<number, Uint8Array>();
    if (overload & 1) readOptionArea(fileField, 108, moved);
    if (overload & 2) readOptionArea(snameField, 44, moved);
    moved.delete(OPT.overload);
    for (const [code, value] of moved) {
      const prev = raw.get(code);
      raw.set(code, prev ? concat([prev, value]) : value);
    }
  }
  return {
    op: op === 1 ? 'request' : 'reply',
    htype: bytes[1]!,
    hlen,
    hops: bytes[3]!,
    xid: view.getUint32(4),
    secs: view.getUint16(8),
    broadcast: (view.getUint16(10) & 0x8000) !== 0,
    ciaddr: ipText(bytes, 12),
    yiaddr: ipText(bytes, 16),
    siaddr: ipText(bytes, 20),
    giaddr: ipText(bytes, 24),
    chaddr: macText(bytes.subarray(28, 28 + hlen)),
    sname: overload & 2 ? '' : bytesText(snameField, true),
    file: overload & 1 ? '' : bytesText(fileField, true),
    options: nameOptions(raw, FIXED + 4),
    isDhcp,
  };
}

/** The fields of a packet to encode (options by name). */
export interface DhcpPacketToWrite {
  op: 'request' | 'reply';
  xid: number;
  chaddr: string;
  secs?: number;
  broadcast?: boolean;
  ciaddr?: string;
  yiaddr?: string;
  siaddr?: string;
  giaddr?: string;
  sname?: string;
  file?: string;
  options: OptionsToWrite;
}

/** Encodes a DHCP packet with the cookie and options, padded to BOOTP's 300 bytes. */
export function encodeDhcp(p: DhcpPacketToWrite): Uint8Array {
  const fixed = new Uint8Array(FIXED);
  const view = new DataView(fixed.buffer);
  const mac = macBytes(p.chaddr);
  fixed[0] = p.op === 'request' ? 1 : 2;
  fixed[1] = 1;
  fixed[2] = mac.length;
  view.setUint32(4, p.xid >>> 0);
  view.setUint16(8, p.secs ?? 0);
  view.setUint16(10, p.broadcast ? 0x8000 : 0);
  fixed.set(ipBytes(p.ciaddr ?? '0.0.0.0'), 12);
  fixed.set(ipBytes(p.yiaddr ?? '0.0.0.0'), 16);
  fixed.set(ipBytes(p.siaddr ?? '0.0.0.0'), 20);
  fixed.set(ipBytes(p.giaddr ?? '0.0.0.0'), 24);
  fixed.set(mac, 28);
  const sname = new TextEncoder().encode(p.sname ?? '');
  const file = new TextEncoder().encode(p.file ?? '');
  if (sname.length > 63) throw new Error(`sname "${p.sname}" is longer than 63 bytes`);
  if (file.length > 127) throw new Error(`file "${p.file}" is longer than 127 bytes`);
  fixed.set(sname, 44);
  fixed.set(file, 108);
  const packet = concat([fixed, Uint8Array.from(MAGIC_COOKIE), writeOptions(p.options)]);
  if (packet.length >= MIN_PACKET) return packet;
  const padded = new Uint8Array(MIN_PACKET);
  padded.set(packet);
  return padded;
}
