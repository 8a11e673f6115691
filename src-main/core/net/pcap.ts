import { ipText, PacketError } from './bytes.js';

/** One UDP datagram pulled out of a captured Ethernet frame. */
export interface CapturedUdp {
  /** Capture time in ms since the epoch (from the pcap record). */
  time: number;
  srcIp: string;
  dstIp: string;
  srcPort: number;
  dstPort: number;
  payload: Uint8Array;
}

const LINKTYPE_ETHERNET = 1;
const LINKTYPE_LINUX_SLL = 113;

/**
 * An incremental reader of a pcap byte stream (what `tcpdump -w -` writes): feed chunks, get UDP datagrams.
 * Handles both byte orders and micro/nanosecond magic, Ethernet (with 802.1Q tags) and Linux cooked captures;
 * anything that is not IPv4/UDP is skipped. Records may be split across chunks.
 */
export class PcapUdpReader {
  private buffer = new Uint8Array(0);
  private little = true;
  private nanos = false;
  private linkType = -1;

  /** Adds bytes; returns the UDP datagrams completed by them. */
  push(chunk: Uint8Array): CapturedUdp[] {
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer);
    joined.set(chunk, this.buffer.length);
    this.buffer = joined;
    const out: CapturedUdp[] = [];
    let at = 0;
    const view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
    if (this.linkType < 0) {
      if (this.buffer.length < 24) return out;
      const magic = view.getUint32(0, false);
      if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) this.little = false;
      else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) this.little = true;
      else throw new PacketError(`not a pcap stream (magic ${magic.toString(16)})`, 0);
      this.nanos = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
      this.linkType = view.getUint32(20, this.little) & 0xffff;
      at = 24;
    }
    while (at + 16 <= this.buffer.length) {
      const sec = view.getUint32(at, this.little);
      const frac = view.getUint32(at + 4, this.little);
      const capLen = view.getUint32(at + 8, this.little);
      if (at + 16 + capLen > this.buffer.length) break;
      const frame = this.buffer.subarray(at + 16, at + 16 + capLen);
      const time = sec * 1000 + (this.nanos ? frac / 1e6 : frac / 1e3);
      const udp = this.udpOf(frame, time);
      if (udp) out.push(udp);
      at += 16 + capLen;
    }
    this.buffer = this.buffer.slice(at);
    return out;
  }

  private udpOf(frame: Uint8Array, time: number): CapturedUdp | null {
    let ip: number;
    if (this.linkType === LINKTYPE_ETHERNET) {
      let type = frame.length >= 14 ? (frame[12]! << 8) | frame[13]! : 0;
      ip = 14;
      while (type === 0x8100 && frame.length >= ip + 4) {
        type = (frame[ip + 2]! << 8) | frame[ip + 3]!;
        ip += 4;
      }
      if (type !== 0x0800) return null;
    } else if (this.linkType === LINKTYPE_LINUX_SLL) {
      if (frame.length < 16 || ((frame[14]! << 8) | frame[15]!) !== 0x0800) return null;
      ip = 16;
    } else {
      return null;
    }
    if (frame.length < ip + 20 || frame[ip]! >> 4 !== 4 || frame[ip + 9] !== 17) return null;
    const ihl = (frame[ip]! & 0x0f) * 4;
    const udp = ip + ihl;
    if (frame.length < udp + 8) return null;
    const udpLen = (frame[udp + 4]! << 8) | frame[udp + 5]!;
    const end = Math.min(frame.length, udp + Math.max(8, udpLen));
    return {
      time,
      srcIp: ipText(frame, ip + 12),
      dstIp: ipText(frame, ip + 16),
      srcPort: (frame[udp]! << 8) | frame[udp + 1]!,
      dstPort: (frame[udp + 2]! << 8) | frame[udp + 3]!,
      payload: frame.slice(udp + 8, end),
    };
  }
}
