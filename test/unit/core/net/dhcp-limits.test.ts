import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PacketError } from '../../../../src-main/core/net/bytes.js';
import { decodeDhcp, type DhcpPacket, encodeDhcp } from '../../../../src-main/core/net/dhcp.js';
import { BenchDhcp, type BenchDhcpConfig, type ReplyDecision } from '../../../../src-main/core/net/dhcp-reply.js';
import { BENCH_DHCP_CONFIG } from '../../../support/bench-dhcp.js';

const config: BenchDhcpConfig = BENCH_DHCP_CONFIG;
const MAC = '52:54:00:12:34:56';

/** A walt DISCOVER as U-Boot sends it (option 60 walt.node.rpi-4-b), as bytes to mutate. */
function waltDiscover(mac = MAC): Buffer {
  return Buffer.from(encodeDhcp({ op: 'request', xid: 0x1234, chaddr: mac, options: { messageType: 'DISCOVER', vendorClass: 'walt.node.rpi-4-b', clientArch: [0x16] } }));
}

/** The options area of a walt DISCOVER: message type, then whatever the test puts, then END unless told not to. */
function withOptions(options: number[], end = true): Buffer {
  const fixed = waltDiscover().subarray(0, 240);
  return Buffer.concat([fixed, Buffer.from([53, 1, 1, 60, 17, ...Buffer.from('walt.node.rpi-4-b'), ...options, ...(end ? [255] : [])])]);
}

/** Decodes then decides; anything but a PacketError from the decoder fails the test, and deciding never throws. */
function handle(dhcp: BenchDhcp, bytes: Uint8Array, now: number): { p: DhcpPacket | null; d: ReplyDecision | null; error: PacketError | null } {
  let p: DhcpPacket;
  try {
    p = decodeDhcp(bytes);
  } catch (error) {
    assert.ok(error instanceof PacketError, `only PacketErrors: ${(error as Error).stack}`);
    return { p: null, d: null, error };
  }
  const d = dhcp.decide(p, now);
  if (d.answer) assert.ok(encodeDhcp(d.reply).length >= 300, 'the reply encodes');
  return { p, d, error: null };
}

/** True when the service still OFFERs to a proper walt DISCOVER (from a fresh MAC, a second later). */
function stillOffers(dhcp: BenchDhcp, now: number): boolean {
  const d = dhcp.decide(decodeDhcp(waltDiscover('52:54:00:ab:cd:ef')), now + 1000);
  return d.answer && d.reply.options.messageType === 'OFFER';
}

describe('DHCP header fields at their limits', () => {
  it('hardware address length 0..16 but 6 on a walt DISCOVER: decoded, counted malformed, never answered, never a throw', () => {
    const dhcp = new BenchDhcp(config);
    for (let hlen = 0; hlen <= 16; hlen += 1) {
      const bytes = waltDiscover();
      bytes[2] = hlen;
      const { p, d } = handle(dhcp, bytes, 0);
      assert.equal(p!.chaddr.length, hlen === 0 ? 0 : hlen * 3 - 1, `hlen ${hlen}: chaddr is its ${hlen} bytes`);
      if (hlen === 6) {
        assert.equal(d!.answer, true);
        continue;
      }
      assert.equal(d!.answer, false, `hlen ${hlen}`);
      assert.deepEqual(d!.answer === false && [d!.drop, d!.reason], ['malformed', `hardware type 1 length ${hlen}, not an Ethernet MAC (type 1, length 6)`]);
    }
    for (const hlen of [17, 100, 255]) {
      const bytes = waltDiscover();
      bytes[2] = hlen;
      assert.throws(() => decodeDhcp(bytes), new RegExp(`hardware address length ${hlen} > 16 \\(at byte 2\\)`));
    }
    assert.ok(stillOffers(dhcp, 0));
  });

  it('htype 0 and 255, broadcast, multicast and zero MACs: malformed, not answered', () => {
    const dhcp = new BenchDhcp(config);
    for (const htype of [0, 6, 255]) {
      const bytes = waltDiscover();
      bytes[1] = htype;
      const { d } = handle(dhcp, bytes, 0);
      assert.ok(d && !d.answer && d.drop === 'malformed', `htype ${htype}`);
    }
    for (const mac of ['ff:ff:ff:ff:ff:ff', '01:00:5e:00:00:01', '00:00:00:00:00:00']) {
      const { d } = handle(dhcp, waltDiscover(mac), 0);
      assert.ok(d && !d.answer && d.drop === 'malformed', mac);
    }
    assert.ok(stillOffers(dhcp, 0));
  });

  it('op, hops, xid, secs, flags, the four addresses, sname and file at 0 and at their maximum', () => {
    const dhcp = new BenchDhcp(config);
    const cases: [string, (b: Buffer) => void, 'answer' | 'silent' | 'throws'][] = [
      ['op 0', (b) => (b[0] = 0), 'throws'],
      ['op 2 (a reply)', (b) => (b[0] = 2), 'silent'],
      ['op 3', (b) => (b[0] = 3), 'throws'],
      ['op 255', (b) => (b[0] = 255), 'throws'],
      ['hops 255', (b) => (b[3] = 255), 'answer'],
      ['xid 0', (b) => b.writeUInt32BE(0, 4), 'answer'],
      ['xid 0xffffffff', (b) => b.writeUInt32BE(0xffffffff, 4), 'answer'],
      ['secs 0xffff', (b) => b.writeUInt16BE(0xffff, 8), 'answer'],
      ['flags 0xffff', (b) => b.writeUInt16BE(0xffff, 10), 'answer'],
      ['every address 255.255.255.255', (b) => b.fill(255, 12, 28), 'answer'],
      ['sname and file full, no NUL', (b) => b.fill(0x41, 44, 236), 'answer'],
      ['chaddr padding full of 0xff', (b) => b.fill(255, 34, 44), 'answer'],
    ];
    for (const [name, mutate, expected] of cases) {
      const bytes = waltDiscover(`52:54:00:00:00:${(cases.findIndex((c) => c[0] === name) + 16).toString(16)}`);
      mutate(bytes);
      const { p, d, error } = handle(dhcp, bytes, 0);
      if (expected === 'throws') {
        assert.match(error?.message ?? 'decoded', /op is \d+, neither request \(1\) nor reply \(2\) \(at byte 0\)/, name);
        continue;
      }
      assert.equal(d!.answer, expected === 'answer', name);
      if (d!.answer) assert.equal(decodeDhcp(encodeDhcp(d!.reply)).xid, p!.xid, `${name}: the reply echoes the xid`);
    }
    assert.ok(stillOffers(dhcp, 0));
  });

  it('packet lengths: 235 too short, 236 BOOTP, 239 half a cookie, 240 no options, 65507 bytes of pads', () => {
    const dhcp = new BenchDhcp(config);
    const full = waltDiscover();
    assert.throws(() => decodeDhcp(full.subarray(0, 235)), /too short for BOOTP \(235 < 236 bytes\)/);
    for (const n of [236, 239, 240]) {
      const { p, d } = handle(dhcp, full.subarray(0, n), 0);
      assert.equal(p!.isDhcp, n === 240, `${n} bytes`);
      assert.equal(d!.answer, false, `${n} bytes: no message type, no answer`);
    }
    const huge = Buffer.concat([withOptions([], false), Buffer.alloc(65507 - 263), Buffer.from([255])]);
    assert.equal(huge.length, 65507);
    const { d } = handle(dhcp, huge, 0);
    assert.equal(d!.answer, true, 'a max-size datagram of pads after the options is a proper DISCOVER');
  });
});

describe('DHCP options at their limits', () => {
  it('every option code with length 0, 1 and 255: decoded or refused with a PacketError, never a crash', () => {
    const dhcp = new BenchDhcp(config);
    let now = 0;
    for (let code = 1; code < 255; code += 1) {
      for (const len of [0, 1, 255]) {
        const bytes = withOptions([code, len, ...Array.from({ length: len }, (_, i) => (i * 37 + code) & 255)]);
        handle(dhcp, bytes, (now += 1000));
      }
    }
    assert.ok(stillOffers(dhcp, now));
  });

  it('a length running past the packet by 1, a code without its length byte: PacketErrors naming the option and offset', () => {
    const over = withOptions([12, 4, 0x70, 0x69, 0x33], false);
    assert.throws(() => decodeDhcp(over), /option 12 \(length 4\) runs past the packet \(at byte 262\)/);
    const noLength = withOptions([12], false);
    assert.throws(() => decodeDhcp(noLength), /option 12 has no length byte \(at byte 262\)/);
    assert.throws(() => decodeDhcp(withOptions([60, 255], false)), /option 60 \(length 255\) runs past the packet/);
  });

  it('missing END: tolerated (as dnsmasq does), the walt DISCOVER is still answered', () => {
    const dhcp = new BenchDhcp(config);
    const { p, d } = handle(dhcp, withOptions([], false), 0);
    assert.equal(p!.options.vendorClass, 'walt.node.rpi-4-b');
    assert.equal(d!.answer, true);
  });

  it('zero-length options: an empty vendor class is no walt class, an empty message type is untyped, an empty requested address is none', () => {
    const dhcp = new BenchDhcp(config);
    const fixed = waltDiscover().subarray(0, 240);
    const emptyVci = Buffer.concat([fixed, Buffer.from([53, 1, 1, 60, 0, 255])]);
    const a = handle(dhcp, emptyVci, 0);
    assert.deepEqual([a.p!.options.vendorClass, a.d!.answer], ['', false]);
    const emptyType = Buffer.concat([fixed, Buffer.from([53, 0, 60, 17, ...Buffer.from('walt.node.rpi-4-b'), 255])]);
    const b = handle(dhcp, emptyType, 0);
    assert.deepEqual([b.p!.options.messageType, b.d!.answer], [undefined, false]);
    const c = handle(dhcp, withOptions([50, 0]), 0);
    assert.deepEqual([c.p!.options.requestedIp, c.d!.answer], [undefined, true]);
    for (const type of [0, 9, 255]) assert.equal(handle(dhcp, Buffer.concat([fixed, Buffer.from([53, 1, type, 255])]), 0).d!.answer, false, `type ${type}`);
  });

  it('option overload loops: a 52 inside the file and sname fields is not followed, each field is read once', () => {
    const bytes = withOptions([52, 1, 3]);
    // The file field carries 52=2 and a hostname; the sname field carries 52=1 and a hostname part (RFC 3396 join).
    Buffer.from([52, 1, 2, 12, 2, 0x70, 0x69, 255]).copy(bytes, 108);
    Buffer.from([52, 1, 1, 12, 1, 0x33, 255]).copy(bytes, 44);
    const p = decodeDhcp(bytes);
    assert.deepEqual([p.options.hostname, [...p.options.raw.get(52)!], p.file, p.sname], ['pi3', [3], '', '']);
    assert.equal(new BenchDhcp(config).decide(p, 0).answer, true);
  });

  it('overload values other than 1, 2, 3 and overload lengths other than 1 are malformed; an overrun inside the file field names its offset', () => {
    for (const value of [[0], [4], [255], [], [3, 3]]) {
      assert.throws(() => decodeDhcp(withOptions([52, value.length, ...value])), /option overload \(52\) must be one byte 1, 2 or 3/, JSON.stringify(value));
    }
    const bytes = withOptions([52, 1, 1]);
    bytes.fill(0, 108, 236);
    Buffer.from([12, 200]).copy(bytes, 230);
    assert.throws(() => decodeDhcp(bytes), /option 12 \(length 200\) runs past the packet \(at byte 230\)/);
  });

  it('a vendor class split between the options and the file field (RFC 3396) is joined, and answered', () => {
    const fixed = waltDiscover().subarray(0, 240);
    const bytes = Buffer.concat([fixed, Buffer.from([53, 1, 1, 52, 1, 1, 60, 10, ...Buffer.from('walt.node.'), 255])]);
    Buffer.from([60, 7, ...Buffer.from('rpi-4-b'), 255]).copy(bytes, 108);
    const p = decodeDhcp(bytes);
    assert.equal(p.options.vendorClass, 'walt.node.rpi-4-b');
    assert.equal(new BenchDhcp(config).decide(p, 0).answer, true);
  });

  it('a malformed iPXE encapsulation (175) stays raw; options 50, 54, 51 of the wrong length are not named', () => {
    const p = decodeDhcp(withOptions([175, 3, 1, 5, 0, 50, 3, 1, 2, 3, 54, 5, 1, 2, 3, 4, 5, 51, 0]));
    assert.deepEqual([p.options.ipxe, p.options.requestedIp, p.options.serverId, p.options.leaseTime], [undefined, undefined, undefined, undefined]);
    assert.equal(p.options.raw.get(175)?.length, 3);
  });
});
