import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decodeDhcp, encodeDhcp } from '../../../../src-main/core/net/dhcp.js';
import { decodeUserClass } from '../../../../src-main/core/net/dhcp-options.js';

interface Capture {
  id: string;
  hex: string;
}
const captures = (JSON.parse(readFileSync(join(__dirname, '../../../fixtures/net/dhcp-captures.json'), 'utf8')) as { packets: Capture[] }).packets;
const bytesOf = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));
const packet = (id: string) => decodeDhcp(bytesOf(captures.find((c) => c.id === id)!.hex));

describe('DHCP codec on packets captured from real clients', () => {
  it("reads U-Boot's DISCOVER: VCI, arch, requested options, no option 77", () => {
    const p = packet('u-boot-discover');
    assert.equal(p.op, 'request');
    assert.equal(p.chaddr, '52:54:00:12:34:56');
    assert.equal(p.options.messageType, 'DISCOVER');
    assert.equal(p.options.vendorClass, 'walt.node.rpi-3-b-plus');
    assert.deepEqual(p.options.clientArch, [0x16]);
    assert.equal(p.options.userClass, undefined);
    assert.ok(p.options.paramRequestList!.includes(1) && p.options.paramRequestList!.includes(3));
  });

  it("reads U-Boot's REQUEST: the same VCI, the address it asks for, the server it chose", () => {
    const p = packet('u-boot-request');
    assert.equal(p.options.messageType, 'REQUEST');
    assert.equal(p.options.vendorClass, 'walt.node.rpi-3-b-plus');
    assert.match(p.options.requestedIp!, /^192\.168\.152\.\d+$/);
    assert.equal(p.options.serverId, '192.168.152.1');
  });

  it("reads dnsmasq's ACK: address, next-server, boot file, lease, mask, router", () => {
    const p = packet('u-boot-ack');
    assert.equal(p.op, 'reply');
    assert.equal(p.options.messageType, 'ACK');
    assert.match(p.yiaddr, /^192\.168\.152\.\d+$/);
    assert.equal(p.siaddr, '192.168.152.1');
    assert.equal(p.file || p.options.bootfileName, 'start.uboot');
    assert.equal(p.options.serverId, '192.168.152.1');
    assert.equal(p.options.leaseTime, 12 * 3600);
    assert.equal(p.options.subnetMask, '255.255.255.0');
    assert.deepEqual(p.options.routers, ['192.168.152.1']);
  });

  it("reads iPXE's DISCOVER: PXEClient vendor class, the raw-string user class, arch, NDI, UUID, its 175 options", () => {
    const p = packet('ipxe-discover');
    assert.equal(p.options.vendorClass, 'PXEClient:Arch:00000:UNDI:002001');
    assert.deepEqual(p.options.userClass, ['walt.node.pc-x86-64']);
    assert.equal(p.options.userClassForm, 'raw');
    assert.deepEqual(p.options.clientArch, [0]);
    assert.deepEqual(p.options.clientNdi, { type: 1, major: 2, minor: 1 });
    assert.equal(p.options.uuid?.value.length, 16);
    assert.ok(p.options.ipxe && p.options.ipxe.size > 0, 'iPXE feature options (175)');
  });

  it("reads dnsmasq's OFFER to iPXE with option 66 and the encapsulated no-pxedhcp flag", () => {
    const p = packet('ipxe-offer');
    assert.equal(p.options.tftpServerName, '192.168.152.1');
    assert.deepEqual([...p.options.ipxe!.get(176)!], [1]);
  });

  it('re-encodes every captured option faithfully (decode -> encode -> decode)', () => {
    for (const c of captures) {
      const a = decodeDhcp(bytesOf(c.hex));
      const again = decodeDhcp(
        encodeDhcp({
          op: a.op,
          xid: a.xid,
          chaddr: a.chaddr,
          secs: a.secs,
          broadcast: a.broadcast,
          ciaddr: a.ciaddr,
          yiaddr: a.yiaddr,
          siaddr: a.siaddr,
          giaddr: a.giaddr,
          sname: a.sname,
          file: a.file,
          options: { extra: [...a.options.raw] },
        }),
      );
      assert.deepEqual({ ...again, options: { ...again.options, raw: undefined } }, { ...a, options: { ...a.options, raw: undefined } }, c.id);
    }
  });
});

describe('DHCP codec edge cases', () => {
  const base = { op: 'request' as const, xid: 0x1234, chaddr: 'b8:27:eb:00:00:01' };

  it('user class: RFC 3004 items and the raw form round-trip', () => {
    for (const form of ['rfc3004', 'raw'] as const) {
      const p = decodeDhcp(encodeDhcp({ ...base, options: { messageType: 'DISCOVER', userClass: ['walt.node.pc-x86-32'], userClassForm: form } }));
      assert.deepEqual([p.options.userClass, p.options.userClassForm], [['walt.node.pc-x86-32'], form]);
    }
    assert.deepEqual(decodeUserClass(Uint8Array.from([3, 97, 98, 99, 2, 120, 121])), { items: ['abc', 'xy'], form: 'rfc3004' });
  });

  it('skips pads byte by byte (the npm dhcp package does not)', () => {
    const p = encodeDhcp({ ...base, options: { messageType: 'DISCOVER', extra: [[0, new Uint8Array(0)]] } });
    const bytes = Buffer.from(p);
    // DISCOVER, then 3 pads, then a VCI, then END.
    const opts = Buffer.from([53, 1, 1, 0, 0, 0, 60, 4, 0x77, 0x61, 0x6c, 0x74, 255]);
    opts.copy(bytes, 240);
    const d = decodeDhcp(bytes);
    assert.equal(d.options.vendorClass, 'walt');
  });

  it('reads options moved into the file and sname fields (overload 52 = 3)', () => {
    const bytes = Buffer.from(encodeDhcp({ ...base, options: { messageType: 'DISCOVER', extra: [[52, Uint8Array.of(3)]] } }));
    Buffer.from([60, 4, 0x77, 0x61, 0x6c, 0x74, 255]).copy(bytes, 108);
    Buffer.from([12, 3, 0x70, 0x69, 0x33, 255]).copy(bytes, 44);
    const d = decodeDhcp(bytes);
    assert.deepEqual([d.options.vendorClass, d.options.hostname, d.file, d.sname], ['walt', 'pi3', '', '']);
  });

  it('joins an option split in several instances (RFC 3396) and splits long ones when encoding', () => {
    const long = 'walt.node.' + 'x'.repeat(300);
    const d = decodeDhcp(encodeDhcp({ ...base, options: { vendorClass: long } }));
    assert.equal(d.options.vendorClass, long);
  });

  it('refuses truncated and malformed packets with the offset', () => {
    assert.throws(() => decodeDhcp(new Uint8Array(100)), /too short for BOOTP \(100 < 236 bytes\)/);
    const bytes = Buffer.from(encodeDhcp({ ...base, options: { messageType: 'DISCOVER' } }));
    bytes[243] = 60;
    bytes[244] = 200;
    assert.throws(() => decodeDhcp(bytes), /option 60 \(length 200\) runs past the packet \(at byte 243\)/);
    bytes[0] = 7;
    assert.throws(() => decodeDhcp(bytes), /op is 7/);
  });

  it('pads replies to BOOTP minimum size', () => {
    assert.equal(encodeDhcp({ ...base, op: 'reply', options: { messageType: 'OFFER' } }).length, 300);
  });
});
