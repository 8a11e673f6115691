import { bytesText, concat, ipBytes, ipText, isPrintable, PacketError, textBytes } from './bytes.js';

/** DHCP message types (option 53). */
export const DHCP_MESSAGE_TYPES = ['DISCOVER', 'OFFER', 'REQUEST', 'DECLINE', 'ACK', 'NAK', 'RELEASE', 'INFORM'] as const;
/** One DHCP message type. */
export type DhcpMessageType = (typeof DHCP_MESSAGE_TYPES)[number];

/** Option codes walt-bench reads and writes by name. */
export const OPT = {
  pad: 0,
  subnetMask: 1,
  routers: 3,
  dns: 6,
  hostname: 12,
  domainName: 15,
  vendorSpecific: 43,
  requestedIp: 50,
  leaseTime: 51,
  overload: 52,
  messageType: 53,
  serverId: 54,
  paramRequestList: 55,
  maxMessageSize: 57,
  vendorClass: 60,
  clientId: 61,
  tftpServerName: 66,
  bootfileName: 67,
  userClass: 77,
  clientArch: 93,
  clientNdi: 94,
  uuid: 97,
  ipxe: 175,
  end: 255,
} as const;

/** How a user class (option 77) arrived: RFC 3004 length-prefixed items, or one raw string (iPXE). */
export type UserClassForm = 'rfc3004' | 'raw';

/** The options of a DHCP packet, decoded by name where walt-bench knows them; every option is kept raw too. */
export interface DhcpOptions {
  messageType?: DhcpMessageType;
  serverId?: string;
  leaseTime?: number;
  subnetMask?: string;
  routers?: string[];
  dns?: string[];
  hostname?: string;
  domainName?: string;
  vendorSpecific?: Uint8Array;
  requestedIp?: string;
  paramRequestList?: number[];
  maxMessageSize?: number;
  vendorClass?: string;
  clientId?: Uint8Array;
  tftpServerName?: string;
  bootfileName?: string;
  userClass?: string[];
  userClassForm?: UserClassForm;
  clientArch?: number[];
  clientNdi?: { type: number; major: number; minor: number };
  uuid?: { type: number; value: Uint8Array };
  /** iPXE's encapsulated options (175): sub-code -> bytes. */
  ipxe?: Map<number, Uint8Array>;
  /** Every option as received (RFC 3396: split instances concatenated), by code. */
  raw: Map<number, Uint8Array>;
}

/**
 * Reads an options area into `raw`: pads skipped one byte at a time, END stops, a length running past the area is
 * an error naming the option and offset. Several instances of one code are concatenated (RFC 3396).
 */
export function readOptionArea(bytes: Uint8Array, base: number, raw: Map<number, Uint8Array>): void {
  let i = 0;
  while (i < bytes.length) {
    const code = bytes[i]!;
    if (code === OPT.pad) {
      i += 1;
      continue;
    }
    if (code === OPT.end) return;
    if (i + 1 >= bytes.length) throw new PacketError(`option ${code} has no length byte`, base + i);
    const len = bytes[i + 1]!;
    if (i + 2 + len > bytes.length) throw new PacketError(`option ${code} (length ${len}) runs past the packet`, base + i);
    const value = bytes.subarray(i + 2, i + 2 + len);
    const prev = raw.get(code);
    raw.set(code, prev ? concat([prev, value]) : value.slice());
    i += 2 + len;
  }
}

function ipList(b: Uint8Array): string[] {
  const out: string[] = [];
  for (let i = 0; i + 4 <= b.length; i += 4) out.push(ipText(b, i));
  return out;
}

function u32(b: Uint8Array): number {
  return b.length >= 4 ? new DataView(b.buffer, b.byteOffset, 4).getUint32(0) : 0;
}

/** Option 77: RFC 3004 items when the bytes parse exactly as length-prefixed printable items, else one raw string. */
export function decodeUserClass(b: Uint8Array): { items: string[]; form: UserClassForm } {
  const items: string[] = [];
  let i = 0;
  while (i < b.length) {
    const len = b[i]!;
    const item = b.subarray(i + 1, i + 1 + len);
    if (len === 0 || i + 1 + len > b.length || !isPrintable(item)) return { items: [bytesText(b, true)], form: 'raw' };
    items.push(bytesText(item));
    i += 1 + len;
  }
  return { items, form: 'rfc3004' };
}

/** iPXE's option 175 holds its own options (feature flags, "no-pxedhcp" 176, ...). */
function decodeEncapsulated(b: Uint8Array, base: number): Map<number, Uint8Array> {
  const map = new Map<number, Uint8Array>();
  readOptionArea(b, base, map);
  return map;
}

/** Gives names to the raw options walt-bench knows. Malformed known options stay raw only. */
export function nameOptions(raw: Map<number, Uint8Array>, base: number): DhcpOptions {
  const o: DhcpOptions = { raw };
  const get = (code: number): Uint8Array | undefined => raw.get(code);
  const text = (code: number): string | undefined => {
    const v = get(code);
    return v ? bytesText(v, true) : undefined;
  };
  const mt = get(OPT.messageType);
  if (mt?.length === 1 && mt[0]! >= 1 && mt[0]! <= 8) o.messageType = DHCP_MESSAGE_TYPES[mt[0]! - 1];
  const sid = get(OPT.serverId);
  if (sid?.length === 4) o.serverId = ipText(sid);
  const lt = get(OPT.leaseTime);
  if (lt?.length === 4) o.leaseTime = u32(lt);
  const sm = get(OPT.subnetMask);
  if (sm?.length === 4) o.subnetMask = ipText(sm);
  const r = get(OPT.routers);
  if (r && r.length % 4 === 0 && r.length > 0) o.routers = ipList(r);
  const d = get(OPT.dns);
  if (d && d.length % 4 === 0 && d.length > 0) o.dns = ipList(d);
  o.hostname = text(OPT.hostname);
  o.domainName = text(OPT.domainName);
  o.vendorSpecific = get(OPT.vendorSpecific);
  const rip = get(OPT.requestedIp);
  if (rip?.length === 4) o.requestedIp = ipText(rip);
  const prl = get(OPT.paramRequestList);
  if (prl) o.paramRequestList = [...prl];
  const mms = get(OPT.maxMessageSize);
  if (mms?.length === 2) o.maxMessageSize = (mms[0]! << 8) | mms[1]!;
  o.vendorClass = text(OPT.vendorClass);
  o.clientId = get(OPT.clientId);
  o.tftpServerName = text(OPT.tftpServerName);
  o.bootfileName = text(OPT.bootfileName);
  const uc = get(OPT.userClass);
  if (uc && uc.length > 0) {
    const { items, form } = decodeUserClass(uc);
    o.userClass = items;
    o.userClassForm = form;
  }
  const arch = get(OPT.clientArch);
  if (arch && arch.length >= 2 && arch.length % 2 === 0) {
    o.clientArch = [];
    for (let i = 0; i < arch.length; i += 2) o.clientArch.push((arch[i]! << 8) | arch[i + 1]!);
  }
  const ndi = get(OPT.clientNdi);
  if (ndi?.length === 3) o.clientNdi = { type: ndi[0]!, major: ndi[1]!, minor: ndi[2]! };
  const uuid = get(OPT.uuid);
  if (uuid?.length === 17) o.uuid = { type: uuid[0]!, value: uuid.slice(1) };
  const ipxe = get(OPT.ipxe);
  if (ipxe) {
    try {
      o.ipxe = decodeEncapsulated(ipxe, base);
    } catch {
      // A malformed encapsulation stays in raw only.
    }
  }
  for (const key of Object.keys(o) as (keyof DhcpOptions)[]) if (o[key] === undefined) delete o[key];
  return o;
}

/** Options to put in a packet, by name (the decoded fields, less those only a client sends); `extra` adds any code. */
export type OptionsToWrite = Partial<Omit<DhcpOptions, 'raw' | 'clientNdi' | 'uuid'>> & {
  extra?: [number, Uint8Array][];
};

function tlv(code: number, value: Uint8Array): Uint8Array {
  // RFC 3396: a value over 255 bytes is split into several instances of the same option.
  const parts: Uint8Array[] = [];
  for (let i = 0; i < value.length || (i === 0 && value.length === 0); i += 255) {
    const chunk = value.subarray(i, i + 255);
    parts.push(Uint8Array.of(code, chunk.length), chunk);
    if (value.length === 0) break;
  }
  return concat(parts);
}

function u32Bytes(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0);
  return b;
}

/** Encodes options (message type first, as clients expect), then END. */
export function writeOptions(o: OptionsToWrite): Uint8Array {
  const parts: Uint8Array[] = [];
  const put = (code: number, value: Uint8Array | undefined): void => {
    if (value !== undefined) parts.push(tlv(code, value));
  };
  if (o.messageType) put(OPT.messageType, Uint8Array.of(DHCP_MESSAGE_TYPES.indexOf(o.messageType) + 1));
  if (o.serverId) put(OPT.serverId, ipBytes(o.serverId));
  if (o.leaseTime !== undefined) put(OPT.leaseTime, u32Bytes(o.leaseTime));
  if (o.subnetMask) put(OPT.subnetMask, ipBytes(o.subnetMask));
  if (o.routers?.length) put(OPT.routers, concat(o.routers.map(ipBytes)));
  if (o.dns?.length) put(OPT.dns, concat(o.dns.map(ipBytes)));
  if (o.hostname) put(OPT.hostname, textBytes(o.hostname));
  if (o.domainName) put(OPT.domainName, textBytes(o.domainName));
  put(OPT.vendorSpecific, o.vendorSpecific);
  if (o.requestedIp) put(OPT.requestedIp, ipBytes(o.requestedIp));
  if (o.paramRequestList) put(OPT.paramRequestList, Uint8Array.from(o.paramRequestList));
  if (o.maxMessageSize !== undefined) put(OPT.maxMessageSize, Uint8Array.of(o.maxMessageSize >> 8, o.maxMessageSize & 0xff));
  if (o.vendorClass !== undefined) put(OPT.vendorClass, textBytes(o.vendorClass));
  put(OPT.clientId, o.clientId);
  if (o.tftpServerName) put(OPT.tftpServerName, textBytes(o.tftpServerName));
  if (o.bootfileName) put(OPT.bootfileName, textBytes(o.bootfileName));
  if (o.userClass?.length) {
    const items = o.userClass.map(textBytes);
    put(OPT.userClass, o.userClassForm === 'raw' ? items[0]! : concat(items.flatMap((b) => [Uint8Array.of(b.length), b])));
  }
  if (o.clientArch?.length) put(OPT.clientArch, Uint8Array.from(o.clientArch.flatMap((a) => [a >> 8, a & 0xff])));
  if (o.ipxe?.size) put(OPT.ipxe, concat([...o.ipxe].map(([c, v]) => tlv(c, v))));
  for (const [code, value] of o.extra ?? []) put(code, value);
  parts.push(Uint8Array.of(OPT.end));
  return concat(parts);
}
