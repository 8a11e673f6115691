import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExpectMap } from '../../../src-main/core/check/expect-map.js';
import type { DhcpSeen, TftpSeen } from '../../../src-main/core/check/inputs.js';
import { RackTracker } from '../../../src-main/core/check/rack-tracker.js';
import type { RackEvent } from '../../../src-main/core/check/rack-types.js';

const A = '52:54:00:00:00:0a';
const B = '52:54:00:00:00:0b';
const C = '52:54:00:00:00:0c';
const IP: Record<string, string> = { [A]: '192.168.152.10', [B]: '192.168.152.11', [C]: '192.168.152.12' };
const discover = (at: number, mac: string, vendorClass: string | null = 'walt.node.qemu-arm'): DhcpSeen => ({
  at, mac, type: 'DISCOVER', direction: 'client', vendorClass, userClass: null, serverId: null, yourIp: null, bootFile: null,
});
const ack = (at: number, mac: string): DhcpSeen => ({ ...discover(at, mac, null), type: 'ACK', direction: 'server', yourIp: IP[mac]! });
const tftp = (at: number, mac: string, filename: string, result: TftpSeen['result'], bytes = 0): TftpSeen => ({
  at, clientIp: IP[mac]!, filename, result, bytes, size: null, message: result === 'not-found' ? 'File not found' : null, servedFrom: null,
});
const probe = (at: number, mac: string, model = 'qemu-arm') => ({ at, kind: 'probe' as const, model, vci: `walt.node.${model}`, mac, ip: IP[mac]! });
/** A board's boot up to the fetched start file. */
function boot(t: RackTracker, mac: string, at: number, vci = 'walt.node.qemu-arm'): RackEvent[] {
  return [
    ...t.onDhcp(discover(at, mac, vci)),
    ...t.onDhcp(ack(at + 1, mac)),
    ...t.onTftp(tftp(at + 2, mac, 'fit-start.uboot', 'not-found')),
    ...t.onTftp(tftp(at + 3, mac, 'start.uboot', 'complete', 900)),
  ];
}
const row = (t: RackTracker, mac: string) => t.boards().find((b) => b.mac === mac)!;

describe('rack tracker (several boards on one link)', () => {
  it('follows three interleaved boards, each with its own verdict; the wrong model fails naming it', () => {
    const t = new RackTracker({ expect: { kind: 'model', model: 'qemu-arm' }, serving: 'probe', ports: [] });
    const ev: RackEvent[] = [];
    ev.push(...t.onDhcp(discover(1, A)), ...t.onDhcp(discover(2, B)), ...t.onDhcp(discover(3, C, 'walt.node.rpi-4-b')));
    ev.push(...t.onDhcp(ack(4, B)), ...t.onDhcp(ack(5, A)));
    ev.push(...t.onTftp(tftp(6, A, 'start.uboot', 'complete', 900)), ...t.onTftp(tftp(7, B, 'start.uboot', 'started')));
    assert.equal(row(t, A).verdict, 'pass');
    assert.equal(row(t, B).verdict, 'pending');
    assert.equal(row(t, C).verdict, 'fail');
    assert.match(row(t, C).diagnosis!, /walt\.node\.rpi-4-b, expected walt\.node\.qemu-arm/);
    assert.equal(row(t, C).modelSent, 'rpi-4-b');
    assert.equal(t.allDecided(), false);
    ev.push(...t.onTftp(tftp(8, B, 'start.uboot', 'complete', 900)));
    assert.equal(t.allDecided(), true);
    assert.deepEqual(ev.filter((e) => e.kind === 'board-appeared').map((e) => e.board.mac), [A, B, C]);
    assert.deepEqual(ev.filter((e) => e.kind === 'verdict').map((e) => `${e.board.mac}:${e.board.verdict}`), [`${C}:fail`, `${A}:pass`, `${B}:pass`]);
    assert.equal(row(t, B).files.at(-1)!.bytes, 900);
    assert.ok(ev.some((e) => e.kind === 'check-changed' && e.check === 'transfer' && e.board.mac === B));
  });

  it('a board that reboots after fetching starts attempt 2, with fresh checks; DISCOVER retries do not', () => {
    const t = new RackTracker({ expect: { kind: 'model', model: 'qemu-arm' }, serving: 'probe', ports: ['/dev/pts/9'] });
    t.onDhcp(discover(1, A));
    t.onDhcp(discover(2, A));
    t.onDhcp(ack(2, A));
    t.onTftp(tftp(2, A, 'fit-start.uboot', 'not-found'));
    t.onDhcp(discover(2, A));
    assert.equal(row(t, A).attempts, 1, 'the DHCP after fit-start.uboot is not found is the same boot');
    boot(t, A, 3);
    assert.equal(row(t, A).checks.find((c) => c.id === 'transfer')!.state, 'ok');
    const ev = t.onDhcp(discover(20, A));
    assert.equal(ev[0]!.kind, 'attempt-started');
    assert.equal(row(t, A).attempts, 2);
    assert.equal(row(t, A).checks.find((c) => c.id === 'transfer')!.state, 'pending');
    boot(t, A, 21);
    t.onConsole('/dev/pts/9', probe(30, A));
    assert.equal(row(t, A).verdict, 'pass');
    assert.equal(row(t, A).port, '/dev/pts/9');
    assert.equal(row(t, A).attempts, 2);
  });

  it('a wrong model (failed at its first DISCOVER) stays attempt 1 through the DHCP of its own boot; a reset starts 2', () => {
    const t = new RackTracker({ expect: { kind: 'model', model: 'qemu-arm' }, serving: 'probe', ports: ['p1'] });
    const vci = 'walt.node.rpi-4-b';
    t.onDhcp(discover(1, A, vci));
    assert.equal(row(t, A).verdict, 'fail');
    t.onDhcp(discover(2, A, vci)); // U-Boot retransmits before the OFFER
    t.onDhcp({ ...discover(3, A, vci), type: 'REQUEST' });
    t.onDhcp(ack(4, A));
    t.onTftp(tftp(5, A, 'fit-start.uboot', 'not-found'));
    t.onDhcp(discover(6, A, vci)); // WalT's second DHCP round: same boot
    t.onDhcp(ack(7, A));
    assert.equal(row(t, A).attempts, 1, 'no reboot yet');
    t.onConsole('p1', { at: 8, kind: 'dhcp-bound', ip: IP[A]! });
    t.onConsole('p1', { at: 9, kind: 'reset' });
    t.onDhcp(discover(10, A, vci));
    assert.equal(row(t, A).attempts, 2, 'a reset on the console, then a DISCOVER: a reboot before any TFTP');
    t.onDhcp(discover(11, A, vci));
    assert.equal(row(t, A).attempts, 2, 'the reset belonged to the attempt before');
    t.onDhcp(ack(12, A));
    t.onTftp(tftp(13, A, 'start.uboot', 'complete', 900));
    t.onConsole('p1', probe(14, A, 'rpi-4-b'));
    t.onDhcp(discover(15, A, vci));
    assert.equal(row(t, A).attempts, 3, 'a DISCOVER after the start file ran is a reboot');
  });

  it('joins each console to its board by the MAC/IP it prints, replaying what it printed before', () => {
    const t = new RackTracker({ expect: { kind: 'model', model: 'qemu-arm' }, serving: 'probe', ports: ['p1', 'p2'] });
    boot(t, A, 1);
    boot(t, B, 2);
    t.onConsole('p1', { at: 9, kind: 'dhcp-bound', ip: IP[B]! });
    assert.equal(row(t, B).port, 'p1');
    t.onConsole('p2', { at: 10, kind: 'tftp-file', file: 'start.uboot' });
    assert.equal(row(t, A).port, null);
    const ev = t.onConsole('p2', probe(11, A));
    assert.equal(ev[0]!.kind, 'console-joined');
    assert.equal(row(t, A).verdict, 'pass');
    assert.equal(row(t, B).verdict, 'pending');
    t.onConsole('p1', probe(12, B));
    assert.equal(row(t, B).verdict, 'pass');
  });

  it('lists a non-walt client and explains it (kind other, failed), never as a board to answer', () => {
    const t = new RackTracker({ expect: { kind: 'any' }, serving: 'probe', ports: [] });
    t.onDhcp(discover(1, C, 'dhcpcd-9.4.1:Linux'));
    const b = row(t, C);
    assert.equal(b.kind, 'other');
    assert.equal(b.verdict, 'fail');
    assert.match(b.diagnosis!, /not a WalT board.*dhcpcd-9\.4\.1:Linux.*not a WalT bootloader/);
  });

  it('"any": the model is the one each board sends; U-Boot default VCI fails after the timeout', () => {
    const t = new RackTracker({ expect: { kind: 'any' }, serving: 'probe', ports: [] });
    boot(t, A, 1, 'walt.node.rpi-3-b');
    t.onDhcp(discover(2, B, 'U-Boot.armv8'));
    assert.equal(row(t, A).verdict, 'pass');
    assert.equal(row(t, A).model, 'rpi-3-b');
    assert.equal(row(t, B).verdict, 'pending');
    t.onTimeout(60, 60);
    assert.equal(row(t, B).verdict, 'fail');
    assert.match(row(t, B).diagnosis!, /bootp_vci is unset/);
  });

  it('expect map: each board its model; a board not in the map fails saying so', () => {
    const t = new RackTracker({ expect: { kind: 'map', map: { [A]: 'qemu-arm', [B]: 'rpi-4-b' } }, serving: 'probe', ports: [] });
    boot(t, A, 1);
    boot(t, B, 2);
    boot(t, C, 3);
    assert.equal(row(t, A).verdict, 'pass');
    assert.equal(row(t, B).verdict, 'fail');
    assert.match(row(t, B).diagnosis!, /expected walt\.node\.rpi-4-b/);
    assert.equal(row(t, C).verdict, 'fail');
    assert.match(row(t, C).diagnosis!, /not in the expect map/);
  });
});

describe('expect map parsing', () => {
  it('reads mac,model lines with a header, comments and dashes', () => {
    const r = parseExpectMap('mac,model\n# rack 2\n52-54-00-00-00-0A, qemu-arm\n\n52:54:00:00:00:0b,walt.node.rpi-4-b\n');
    assert.deepEqual(r, { ok: true, map: { [A]: 'qemu-arm', [B]: 'rpi-4-b' } });
  });
  it('names the line of a bad MAC, a bad model, a missing cell, a conflicting duplicate', () => {
    const err = (s: string) => { const r = parseExpectMap(s); assert.equal(r.ok, false); return (r as { error: string }).error; };
    assert.match(err('52:54:00:00:00:0a,qemu-arm\n52:54:00:zz:00:0b,qemu-arm'), /^line 2 .*"52:54:00:zz:00:0b" is not a MAC/);
    assert.match(err('52:54:00:00:00:0a,bad model!'), /^line 1 .*not a node model/);
    assert.match(err('x\n\n52:54:00:00:00:0a'), /^line 1 /);
    assert.match(err('52:54:00:00:00:0a,a\n52:54:00:00:00:0A,b'), /^line 2 .*already mapped to a/);
    assert.match(err('# nothing\n'), /names no board/);
  });
});
