import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BootCheck } from '../../../src-main/core/check/boot-check.js';
import type { DhcpSeen, TftpSeen } from '../../../src-main/core/check/inputs.js';
import { consoleFactOf } from '../../../src-main/core/check/console-facts.js';
import { BootAnalyzer } from '../../../src-main/core/boot/analyzer.js';
import { ubootProbeScript } from '../../../src-main/core/walt/probe-scripts.js';

const MAC = '52:54:00:12:34:56';
const dhcp = (at: number, over: Partial<DhcpSeen> = {}): DhcpSeen => ({
  at, mac: MAC, type: 'DISCOVER', direction: 'client', vendorClass: 'walt.node.rpi-4-b', userClass: null, serverId: null, yourIp: null, bootFile: null, ...over,
});
const ack = (at: number): DhcpSeen => dhcp(at, { type: 'ACK', direction: 'server', vendorClass: null, serverId: '192.168.152.1', yourIp: '192.168.152.100' });
const tftp = (at: number, filename: string, result: TftpSeen['result'], bytes = 0): TftpSeen => ({
  at, clientIp: '192.168.152.100', filename, result, bytes, size: bytes || null, message: result === 'not-found' ? 'File not found' : null, servedFrom: result === 'complete' ? 'probe' : null,
});
const states = (c: BootCheck) => Object.fromEntries(c.verdict().checks.map((k) => [k.id, k.state]));

describe('boot check (network + console joined)', () => {
  it('passes: VCI right, fit-start.uboot not found, start.uboot fetched, the probe ran', () => {
    const c = new BootCheck({ expected: 'rpi-4-b', serving: 'probe', serial: true });
    c.onDhcp(dhcp(1));
    c.onDhcp(ack(2));
    c.onTftp(tftp(3, 'fit-start.uboot', 'not-found'));
    c.onTftp(tftp(4, 'start.uboot', 'started'));
    c.onTftp(tftp(5, 'start.uboot', 'complete', 1234));
    assert.equal(c.verdict().verdict, 'pending');
    c.onConsole({ at: 6, kind: 'probe', model: 'rpi-4-b', vci: 'walt.node.rpi-4-b', mac: MAC, ip: '192.168.152.100' });
    const v = c.verdict();
    assert.equal(v.verdict, 'pass');
    assert.deepEqual([v.mac, v.ip, v.vci], [MAC, '192.168.152.100', 'walt.node.rpi-4-b']);
    assert.deepEqual(v.files, [
      { name: 'fit-start.uboot', result: 'not-found', bytes: null },
      { name: 'start.uboot', result: 'complete', bytes: 1234 },
    ]);
    assert.match(v.checks.find((k) => k.id === 'identity')!.evidence!, /sent vendor class \(option 60\) walt\.node\.rpi-4-b \(expected rpi-4-b\): OK/);
    assert.match(v.checks.find((k) => k.id === 'fetch')!.evidence!, /requested fit-start\.uboot, then start\.uboot/);
  });

  it('the run evidence cites what the probe line printed (the "probe done" line after it is no probe line)', () => {
    const c = new BootCheck({ expected: 'rpi-4-b', serving: 'probe', serial: true });
    c.onDhcp(dhcp(1));
    c.onDhcp(ack(2));
    c.onTftp(tftp(3, 'start.uboot', 'complete', 236));
    // what U-Boot prints running the probe script (its echo lines, variables expanded), through the console analyzer
    const printed = ubootProbeScript()
      .split('\n')
      .filter((l) => l.startsWith('echo '))
      .map((l) => l.slice(5).replace('${node_model}', '').replace('${bootp_vci}', 'walt.node.rpi-4-b').replace('${ethaddr}', MAC).replace('${ipaddr}', '192.168.152.100'));
    const analyzer = new BootAnalyzer();
    const events = [...analyzer.push(new TextEncoder().encode(`## Executing script at 40200000\r\n${printed.join('\r\n')}\r\n`), 4).events, ...analyzer.end(5).events];
    for (const e of events) {
      const fact = consoleFactOf(e);
      if (fact) c.onConsole(fact);
    }
    const run = c.verdict().checks.find((k) => k.id === 'run')!;
    assert.equal(run.state, 'ok');
    assert.equal(run.evidence, `the probe script ran on the board: console printed vci=walt.node.rpi-4-b mac=${MAC} ip=192.168.152.100`);
  });

  it('fails naming both models when the board is another model', () => {
    const c = new BootCheck({ expected: 'rpi-4-b', serving: 'probe', serial: false });
    c.onDhcp(dhcp(1, { vendorClass: 'walt.node.rpi-3-b-plus' }));
    const v = c.verdict();
    assert.equal(v.verdict, 'fail');
    assert.match(v.diagnosis!, /walt\.node\.rpi-3-b-plus, expected walt\.node\.rpi-4-b/);
  });

  it('explains U-Boot.armv8 (bootp_vci unset)', () => {
    const c = new BootCheck({ expected: 'rpi-4-b', serving: 'probe', serial: false });
    c.onDhcp(dhcp(1, { vendorClass: 'U-Boot.armv8' }));
    assert.match(c.verdict().diagnosis!, /bootp_vci is unset/);
  });

  it('waits through the Pi 4 firmware PXE request, then judges U-Boot', () => {
    const pi = 'dc:a6:32:01:02:03';
    const c = new BootCheck({ expected: 'rpi-4-b', serving: 'probe', serial: false });
    c.onDhcp(dhcp(1, { mac: pi, vendorClass: 'PXEClient:Arch:00000:UNDI:002001' }));
    assert.equal(states(c).identity, 'pending');
    c.onDhcp(dhcp(2, { mac: pi, vendorClass: 'walt.node.rpi-4-b' }));
    assert.equal(states(c).identity, 'ok');
  });

  it('fails at the fetch when no start file exists, with the WalT diagnosis', () => {
    const c = new BootCheck({ expected: 'nanopi-r5c', serving: 'observe', serial: false });
    c.onDhcp(dhcp(1, { vendorClass: 'walt.node.nanopi-r5c' }));
    c.onDhcp(ack(2));
    c.onTftp(tftp(3, 'fit-start.uboot', 'not-found'));
    c.onTftp(tftp(4, 'start.uboot', 'not-found'));
    const v = c.verdict();
    assert.equal(v.verdict, 'fail');
    assert.equal(states(c).fetch, 'failed');
    assert.match(v.diagnosis!, /no default image for nanopi-r5c yet \(waltplatform\/nanopi-r5c-default\)/);
  });

  it('passes a PC by its user class and start.ipxe, without a serial port (run skipped)', () => {
    const c = new BootCheck({ expected: 'pc-x86-64', serving: 'probe', serial: false });
    c.onDhcp(dhcp(1, { vendorClass: 'PXEClient:Arch:00000:UNDI:002001', userClass: ['walt.node.pc-x86-64'] }));
    c.onDhcp(ack(2));
    c.onTftp(tftp(3, 'start.ipxe', 'complete', 200));
    const v = c.verdict();
    assert.equal(v.verdict, 'pass');
    assert.deepEqual([v.uci, states(c).run], ['walt.node.pc-x86-64', 'skipped']);
  });

  it('ignores other clients on the link and times out what never came', () => {
    const c = new BootCheck({ expected: 'rpi-4-b', serving: 'probe', serial: true });
    c.onDhcp(dhcp(1, { mac: 'aa:bb:cc:00:00:01', vendorClass: 'udhcp 1.36.1' }));
    assert.equal(states(c).dhcp, 'pending');
    c.onTimeout(30000, 30);
    const v = c.verdict();
    assert.equal(v.verdict, 'fail');
    assert.match(v.diagnosis!, /no DHCP request from the board/);
  });
});
