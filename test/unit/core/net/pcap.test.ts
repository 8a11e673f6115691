import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PcapUdpReader } from '../../../../src-main/core/net/pcap.js';

function globalHeader(linkType = 1): Uint8Array {
  const b = new DataView(new ArrayBuffer(24));
  b.setUint32(0, 0xa1b2c3d4, true);
  b.setUint16(4, 2, true);
  b.setUint16(6, 4, true);
  b.setUint32(16, 65535, true);
  b.setUint32(20, linkType, true);
  return new Uint8Array(b.buffer);
}

function record(frame: Uint8Array, sec: number, usec: number): Uint8Array {
  const h = new DataView(new ArrayBuffer(16));
  h.setUint32(0, sec, true);
  h.setUint32(4, usec, true);
  h.setUint32(8, frame.length, true);
  h.setUint32(12, frame.length, true);
  const out = new Uint8Array(16 + frame.length);
  out.set(new Uint8Array(h.buffer));
  out.set(frame, 16);
  return out;
}

function udpFrame(payload: number[], vlan = false): Uint8Array {
  const eth = [...Array(12).fill(0xff), ...(vlan ? [0x81, 0x00, 0x00, 0x05] : []), 0x08, 0x00];
  const ip = [0x45, 0, 0, 28 + payload.length, 0, 0, 0, 0, 64, 17, 0, 0, 192, 168, 152, 1, 255, 255, 255, 255];
  const udp = [0, 67, 0, 68, 0, 8 + payload.length, 0, 0];
  return Uint8Array.from([...eth, ...ip, ...udp, ...payload]);
}

describe('pcap stream reader', () => {
  it('extracts UDP payloads from Ethernet (also 802.1Q) frames across arbitrary chunk boundaries, skips the rest', () => {
    const arp = Uint8Array.from([...Array(12).fill(0xff), 0x08, 0x06, ...Array(28).fill(0)]);
    const stream = new Uint8Array([
      ...globalHeader(),
      ...record(udpFrame([1, 2, 3]), 1700000000, 250000),
      ...record(arp, 1700000001, 0),
      ...record(udpFrame([9], true), 1700000002, 0),
    ]);
    for (const size of [1, 7, 16, 1000]) {
      const reader = new PcapUdpReader();
      const got = [];
      for (let i = 0; i < stream.length; i += size) got.push(...reader.push(stream.subarray(i, i + size)));
      assert.deepEqual(
        got.map((u) => [u.time, u.srcIp, u.dstIp, u.srcPort, u.dstPort, [...u.payload]]),
        [
          [1700000000250, '192.168.152.1', '255.255.255.255', 67, 68, [1, 2, 3]],
          [1700000002000, '192.168.152.1', '255.255.255.255', 67, 68, [9]],
        ],
        `chunks of ${size}`,
      );
    }
  });

  it('refuses a stream that is not pcap', () => {
    assert.throws(() => new PcapUdpReader().push(new Uint8Array(24)), /not a pcap stream/);
  });
});
