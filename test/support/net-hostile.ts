/**
 * The hostile suite for the bench service, run from inside the test namespace by net-fuzzer.ts: DHCP packets with
 * every header field and option at its limits (hlen 0..16, overruns, overload loops, missing END, zero lengths, a
 * max-size datagram), TFTP packets at their limits (truncated, no NUL, bad opcodes, huge option lists, blksize
 * 0/1/65536, windowsize, timeout out of range, garbage inside a transfer), 100 walt DISCOVERs from random MACs
 * without REQUEST, then a proper walt client: DISCOVER (retransmitted like U-Boot) -> OFFER -> REQUEST -> ACK ->
 * a whole TFTP read of start.uboot. Returns what came back.
 */
import { createSocket, type Socket } from 'node:dgram';

/** What the hostile suite saw. */
export interface HostileResult {
  /** Packets sent that the bench must count as malformed (at least). */
  mustCountMalformed: number;
  /** DHCP replies to packets the bench must never answer (must be 0). */
  answeredHostile: number;
  /** Replies to the 100-MAC flood. */
  floodOffers: number;
  /** The proper client: how many DISCOVERs until an OFFER, the OFFER's and ACK's address and lease time. */
  offerTries: number;
  offer: { yiaddr: string; leaseTime: number | null } | null;
  ack: { yiaddr: string; leaseTime: number | null } | null;
  /** TFTP answers to the hostile requests, by case: "error <code>", "oack k=v,..", "data <n bytes>", "silence". */
  tftp: Record<string, string>;
  /** The final whole read of start.uboot: bytes received, or null if it failed. */
  startUbootBytes: number | null;
}

const HOSTILE_XID = 0x0badf00d;
const ODD_XID = 0x0dd0dd00;
const FLOOD_XID = 0x0f100d00;
const GOOD_XID = 0x600d600d;
const GOOD_MAC = [0x52, 0x54, 0x00, 0xaa, 0xbb, 0x01];
const VCI = Buffer.from('walt.node.rpi-4-b');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A walt DISCOVER (or REQUEST) built by hand: 240 bytes of header and cookie, then the options given. */
function packet(xid: number, mac: number[], options: number[], type = 1): Buffer {
  const b = Buffer.alloc(240);
  b[0] = 1;
  b[1] = 1;
  b[2] = 6;
  b.writeUInt32BE(xid >>> 0, 4);
  Buffer.from(mac).copy(b, 28);
  Buffer.from([99, 130, 83, 99]).copy(b, 236);
  const body = Buffer.from([53, 1, type, 60, VCI.length, ...VCI, 93, 2, 0, 0x16, ...options]);
  const out = Buffer.concat([b, body]);
  return out.length >= 300 ? out : Buffer.concat([out, Buffer.alloc(300 - out.length)]);
}

function withEnd(options: number[]): number[] {
  return [...options, 255];
}

interface Reply {
  xid: number;
  type: number | null;
  yiaddr: string;
  leaseTime: number | null;
}

function parseReply(m: Buffer): Reply | null {
  if (m.length < 240 || m[0] !== 2) return null;
  let type: number | null = null;
  let leaseTime: number | null = null;
  for (let i = 240; i < m.length && m[i] !== 255; ) {
    if (m[i] === 0) {
      i += 1;
      continue;
    }
    const code = m[i]!;
    const len = m[i + 1] ?? 0;
    if (code === 53) type = m[i + 2]!;
    if (code === 51 && len === 4) leaseTime = m.readUInt32BE(i + 2);
    i += 2 + len;
  }
  return { xid: m.readUInt32BE(4), type, yiaddr: [...m.subarray(16, 20)].join('.'), leaseTime };
}

/** The hostile DHCP packets that must be dropped as malformed and never answered. */
function malformedDhcp(): Buffer[] {
  const out: Buffer[] = [];
  const mac = [0x52, 0x54, 0x00, 0x66, 0x66, 0x66];
  for (let hlen = 0; hlen <= 16; hlen += 1) {
    if (hlen === 6) continue;
    const p = packet(HOSTILE_XID, mac, withEnd([]));
    p[2] = hlen;
    out.push(p);
  }
  for (const hlen of [17, 255]) {
    const p = packet(HOSTILE_XID, mac, withEnd([]));
    p[2] = hlen;
    out.push(p);
  }
  for (const htype of [0, 255]) {
    const p = packet(HOSTILE_XID, mac, withEnd([]));
    p[1] = htype;
    out.push(p);
  }
  for (const op of [0, 3, 255]) {
    const p = packet(HOSTILE_XID, mac, withEnd([]));
    p[0] = op;
    out.push(p);
  }
  out.push(packet(HOSTILE_XID, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff], withEnd([])));
  out.push(packet(HOSTILE_XID, [0x01, 0x00, 0x5e, 0, 0, 1], withEnd([])));
  out.push(packet(HOSTILE_XID, mac, withEnd([])).subarray(0, 235));
  // Length overruns: by one byte, by 255, a code without its length byte (all at the very end of the datagram).
  for (const tail of [[12, 4, 0x70, 0x69, 0x33], [60, 255], [12]]) out.push(Buffer.concat([packet(HOSTILE_XID, mac, []).subarray(0, 240 + 5 + VCI.length + 4), Buffer.from(tail)]));
  // Bad overload values and lengths.
  for (const ov of [[0], [4], [255], [], [3, 3]]) out.push(packet(HOSTILE_XID, mac, withEnd([52, ov.length, ...ov])));
  // An overrun inside the overloaded file field.
  const inFile = packet(HOSTILE_XID, mac, withEnd([52, 1, 1]));
  Buffer.from([12, 200]).copy(inFile, 230);
  out.push(inFile);
  return out;
}

/** DHCP packets at their limits that are not malformed: decoded, some answered, none may hurt the service. */
function oddDhcp(): Buffer[] {
  const out: Buffer[] = [];
  const mac = [0x52, 0x54, 0x00, 0x77, 0x77, 0x77];
  const missingEnd = packet(ODD_XID, mac, []);
  out.push(missingEnd.subarray(0, 240 + 5 + VCI.length + 4));
  const loop = packet(ODD_XID, mac, withEnd([52, 1, 3]));
  Buffer.from([52, 1, 2, 12, 2, 0x70, 0x69, 255]).copy(loop, 108);
  Buffer.from([52, 1, 1, 12, 1, 0x33, 255]).copy(loop, 44);
  out.push(loop);
  out.push(packet(ODD_XID, mac, withEnd([50, 0, 12, 0, 61, 0, 77, 0, 55, 0, 57, 0])));
  const max = Buffer.concat([packet(ODD_XID, mac, []).subarray(0, 240 + 5 + VCI.length + 4), Buffer.alloc(65507 - (240 + 5 + VCI.length + 4) - 1), Buffer.from([255])]);
  out.push(max);
  const fields = packet(ODD_XID, mac, withEnd([]));
  fields[3] = 255;
  fields.writeUInt16BE(0xffff, 8);
  fields.writeUInt16BE(0xffff, 10);
  fields.fill(255, 12, 28);
  fields.fill(0x41, 44, 236);
  out.push(fields);
  for (let code = 1; code < 255; code += 1) {
    if (code === 52 || code === 53 || code === 60) continue;
    for (const len of [0, 1, 255]) out.push(packet(ODD_XID, [0x52, 0x54, 0x01, code, len & 255, 0x10], withEnd([code, len, ...Array.from({ length: len }, (_, i) => (i * 7 + code) & 255)])));
  }
  return out;
}

function tftpRequest(op: number, ...strings: string[]): Buffer {
  return Buffer.concat([Buffer.from([0, op]), ...strings.map((s) => Buffer.from(`${s}\0`, 'latin1'))]);
}

/** Sends one TFTP packet from a fresh port; returns what the bench answered first (and stops any transfer it started). */
async function tftpCase(serverIp: string, bytes: Buffer, waitMs = 600): Promise<string> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, () => r()));
  const answer = new Promise<string>((resolve) => {
    s.once('message', (m, rinfo) => {
      const op = m.readUInt16BE(0);
      if (op === 3 || op === 6) {
        // A transfer started: stop it the RFC way (ERROR from the client), so no slot stays held.
        s.send(Buffer.from([0, 5, 0, 0, 0x73, 0x74, 0x6f, 0x70, 0]), rinfo.port, rinfo.address);
      }
      if (op === 5) resolve(`error ${m.readUInt16BE(2)}`);
      else if (op === 6) resolve(`oack ${m.subarray(2).toString('latin1').split('\0').filter(Boolean).join(',')}`);
      else if (op === 3) resolve(`data ${m.length - 4}`);
      else resolve(`op ${op}`);
    });
    setTimeout(() => resolve('silence'), waitMs);
  });
  s.send(bytes, 69, serverIp);
  const result = await answer;
  await sleep(50);
  s.close();
  return result;
}

/** A whole lock-step read, garbage sent into the transfer first; resolves with the bytes read or null. */
async function tftpRead(serverIp: string, name: string): Promise<number | null> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, () => r()));
  return new Promise((resolve) => {
    let total = 0;
    let garbageSent = false;
    const timer = setTimeout(() => {
      s.close();
      resolve(null);
    }, 10_000);
    s.on('message', (m, rinfo) => {
      const op = m.readUInt16BE(0);
      if (!garbageSent) {
        garbageSent = true;
        for (const g of [Buffer.from([0, 9, 1, 2]), Buffer.from([0]), Buffer.from([0, 3, 0, 1, 1, 2, 3]), Buffer.from([0, 6, 0x61])]) s.send(g, rinfo.port, rinfo.address);
      }
      if (op === 6) s.send(Buffer.from([0, 4, 0, 0]), rinfo.port, rinfo.address);
      else if (op === 3) {
        total += m.length - 4;
        s.send(Buffer.from([0, 4, m[2]!, m[3]!]), rinfo.port, rinfo.address);
        if (m.length - 4 < 1468) {
          clearTimeout(timer);
          setTimeout(() => {
            s.close();
            resolve(total);
          }, 100);
        }
      } else {
        clearTimeout(timer);
        s.close();
        resolve(null);
      }
    });
    s.send(tftpRequest(1, name, 'octet', 'blksize', '1468', 'tsize', '0'), 69, serverIp);
  });
}

/** Runs the whole hostile suite against the bench at serverIp. */
export async function runHostile(serverIp: string): Promise<HostileResult> {
  const broadcast = serverIp.split('.').slice(0, 3).join('.') + '.255';
  const dhcp: Socket = createSocket({ type: 'udp4', reuseAddr: true });
  await new Promise<void>((r) => dhcp.bind(68, '0.0.0.0', () => r()));
  dhcp.setBroadcast(true);
  dhcp.on('error', () => undefined);
  const replies: Reply[] = [];
  dhcp.on('message', (m) => {
    const r = parseReply(m);
    if (r) replies.push(r);
  });
  const send = async (list: Buffer[]): Promise<void> => {
    for (let i = 0; i < list.length; i += 1) {
      // Datagrams over the link's MTU go to the server's own address (the loopback path carries 64 KiB).
      dhcp.send(list[i]!, 67, list[i]!.length > 1400 ? serverIp : broadcast);
      if (i % 10 === 9) await sleep(4); // paced: a burst beyond the socket buffer would be lost in the kernel, untested
    }
  };
  const malformed = malformedDhcp();
  await send(malformed);
  await send(oddDhcp());
  // TFTP at its limits (paced: the bench limits requests per client to 10/s).
  const tftp: Record<string, string> = {};
  let tftpMalformed = 0;
  const garbage: [string, Buffer][] = [
    ['empty', Buffer.alloc(0)],
    ['1 byte', Buffer.from([0])],
    ['3 bytes', Buffer.from([0, 1, 0x61])],
    ['opcode 0', Buffer.from([0, 0, 0, 0])],
    ['opcode 7', Buffer.from([0, 7, 0, 0])],
    ['opcode 65535', Buffer.from([255, 255, 0, 0])],
    ['RRQ without NUL', Buffer.from([0, 1, ...Buffer.from('start.uboot')])],
    ['RRQ without mode', tftpRequest(1, 'start.uboot')],
    ['RRQ option without value', tftpRequest(1, 'start.uboot', 'octet', 'blksize')],
    ['RRQ with 40 options', tftpRequest(1, 'start.uboot', 'octet', ...Array.from({ length: 40 }, (_, i) => [`opt${i}`, '1']).flat())],
    ['ACK to port 69', Buffer.from([0, 4, 0, 1])],
    ['DATA to port 69', Buffer.from([0, 3, 0, 1, 1, 2])],
    ['ERROR to port 69', Buffer.from([0, 5, 0, 1, 0])],
    ['OACK to port 69', tftpRequest(6, 'blksize', '512')],
  ];
  for (const [name, bytes] of garbage) {
    tftp[name] = await tftpCase(serverIp, bytes, 150);
    tftpMalformed += 1;
  }
  const requests: [string, Buffer][] = [
    ['RRQ of 600 bytes', tftpRequest(1, 'start.uboot', 'octet', 'x', 'y'.repeat(570))],
    ['WRQ', tftpRequest(2, 'upload', 'octet')],
    ['mode mail', tftpRequest(1, 'start.uboot', 'mail')],
    ['blksize 0', tftpRequest(1, 'start.uboot', 'octet', 'blksize', '0')],
    ['blksize 1', tftpRequest(1, 'start.uboot', 'octet', 'blksize', '1')],
    ['blksize 65536', tftpRequest(1, 'start.uboot', 'octet', 'blksize', '65536')],
    ['blksize 65464', tftpRequest(1, 'start.uboot', 'octet', 'blksize', '65464')],
    ['windowsize 16', tftpRequest(1, 'start.uboot', 'octet', 'windowsize', '16', 'tsize', '0')],
    ['timeout 0', tftpRequest(1, 'start.uboot', 'octet', 'timeout', '0')],
    ['timeout 256', tftpRequest(1, 'start.uboot', 'octet', 'timeout', '256')],
    ['__proto__ option', tftpRequest(1, 'start.uboot', 'octet', '__proto__', '1', 'constructor', '2')],
    ['path escape', tftpRequest(1, '../../etc/passwd', 'octet')],
  ];
  tftpMalformed += 1; // the 600-byte request is counted as malformed (and answered with ERROR 4)
  for (const [name, bytes] of requests) {
    tftp[name] = await tftpCase(serverIp, bytes);
    await sleep(120);
  }
  // 100 walt DISCOVERs from random MACs, no REQUEST.
  let seed = 7;
  const flood: Buffer[] = [];
  for (let i = 0; i < 100; i += 1) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    flood.push(packet(FLOOD_XID + i, [0x02, seed & 255, (seed >>> 8) & 255, (seed >>> 16) & 255, (seed >>> 24) & 255, i], withEnd([])));
  }
  await send(flood);
  await sleep(300);
  // The proper walt client: DISCOVER retransmitted every second (U-Boot retransmits too), then REQUEST.
  let offerTries = 0;
  let offer: Reply | undefined;
  while (!offer && offerTries < 6) {
    offerTries += 1;
    dhcp.send(packet(GOOD_XID, GOOD_MAC, withEnd([])), 67, broadcast);
    for (let w = 0; w < 20 && !offer; w += 1) {
      await sleep(50);
      offer = replies.find((r) => r.xid === GOOD_XID && r.type === 2);
    }
  }
  let ack: Reply | undefined;
  if (offer) {
    const ip = offer.yiaddr.split('.').map(Number);
    const server = serverIp.split('.').map(Number);
    dhcp.send(packet(GOOD_XID, GOOD_MAC, withEnd([50, 4, ...ip, 54, 4, ...server]), 3), 67, broadcast);
    for (let w = 0; w < 40 && !ack; w += 1) {
      await sleep(50);
      ack = replies.find((r) => r.xid === GOOD_XID && r.type === 5);
    }
  }
  await sleep(1100); // the TFTP request budget refills
  const startUbootBytes = await tftpRead(serverIp, 'start.uboot');
  dhcp.close();
  return {
    mustCountMalformed: malformed.length + tftpMalformed,
    answeredHostile: replies.filter((r) => r.xid === HOSTILE_XID).length,
    floodOffers: replies.filter((r) => r.xid >= FLOOD_XID && r.xid < FLOOD_XID + 100).length,
    offerTries,
    offer: offer ? { yiaddr: offer.yiaddr, leaseTime: offer.leaseTime } : null,
    ack: ack ? { yiaddr: ack.yiaddr, leaseTime: ack.leaseTime } : null,
    tftp,
    startUbootBytes,
  };
}
