/** WalT boot scenarios the fixtures do not cover: reset loops, the probe line, hints, live finality, prompts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeLog, BootAnalyzer } from '../../../../src-main/core/boot/analyzer.js';

const UBOOT = `U-Boot 2023.01+dfsg-2 (Jun 22 2023 - 08:38:07 +0000)\r\nDRAM:  1 GiB\r\nRPI 3 Model B+ (0xa020d3)\r\nNet:   No ethernet found.\r\nstarting USB...\r\n`;
const DHCP = `Waiting for Ethernet connection... done.\r\nBOOTP broadcast 1\r\nDHCP client bound to address 192.168.152.12 (12 ms)\r\n`;
const tftp = (file: string, result: string): string =>
  `Using smsc95xx_eth device\r\nTFTP from server 192.168.152.1; our IP address is 192.168.152.12\r\nFilename '${file}'.\r\nLoad address: 0x1000000\r\nLoading: *\b${result}`;
const NOT_FOUND = `\r\nTFTP error: 'File not found' (1)\r\nNot retrying...\r\n`;
const OK = `##\r\n\t 1.2 MiB/s\r\ndone\r\nBytes transferred = 1234 (4d2 hex)\r\n`;
const WALT_FAIL_CYCLE = UBOOT + DHCP + tftp('fit-start.uboot', NOT_FOUND) + DHCP + tftp('start.uboot', NOT_FOUND) + 'resetting ...\r\n';

test('WalT: fit-start.uboot and start.uboot both missing, resetting in a loop -> tftp-not-found, no default image hint', () => {
  const { verdict, events } = analyzeLog(WALT_FAIL_CYCLE.repeat(3), { expectedModel: 'rpi-3-b-plus' });
  assert.equal(verdict.outcome, 'tftp-not-found');
  assert.equal(verdict.resets, 3, 'each `resetting ...` is a reset (the banner after it is the same reset)');
  assert.equal(verdict.resetLoop, true);
  assert.equal(events.filter((e) => e.kind === 'reset-loop').length, 1, 'one reset-loop event');
  assert.match(verdict.diagnosis, /neither fit-start\.uboot nor start\.uboot/);
  assert.ok(verdict.hints.some((h) => h.includes('waltplatform/rpi-3-b-plus-default')), verdict.hints.join(' | '));
  assert.ok(verdict.hints.some((h) => /loop/.test(h)));
  assert.deepEqual([...new Set(events.map((e) => e.cycle))], [0, 1, 2], 'every attempt numbered');
});

test('WalT: fit-start.uboot missing then start.uboot served and run -> success, with the harmless failure explained', () => {
  const log = UBOOT + DHCP + tftp('fit-start.uboot', NOT_FOUND) + DHCP + tftp('start.uboot', OK) + '## Executing script at 02400000\r\nWALT-BENCH start.uboot model=rpi-3-b-plus vci=walt.node.rpi-3-b-plus mac=B8:27:EB:01:02:03 ip=192.168.152.12\r\n';
  const { verdict, events } = analyzeLog(log, { expectedModel: 'rpi-4-b' });
  assert.equal(verdict.outcome, 'success');
  assert.deepEqual(verdict.files.map((f) => [f.name, f.status, f.size]), [['fit-start.uboot', 'not-found', null], ['start.uboot', 'ok', 1234]]);
  assert.equal(verdict.ip, '192.168.152.12');
  assert.equal(verdict.server, '192.168.152.1');
  assert.equal(verdict.furthestStage, 'script');
  const probe = events.find((e) => e.kind === 'probe');
  assert.deepEqual(probe && { model: probe.model, vci: probe.vci, mac: probe.mac, ip: probe.ip }, {
    model: 'rpi-3-b-plus', vci: 'walt.node.rpi-3-b-plus', mac: 'b8:27:eb:01:02:03', ip: '192.168.152.12',
  });
  assert.equal(verdict.reportedModel, 'rpi-3-b-plus');
  assert.ok(verdict.hints.some((h) => h.includes('fit-start.uboot was not found first')));
  assert.ok(verdict.hints.some((h) => h.includes('rpi-4-b was expected')), 'expect mismatch is named');
});

test('the probe line shows bootp_vci unset', () => {
  const { verdict } = analyzeLog(UBOOT + DHCP + tftp('start.uboot', OK) + 'WALT-BENCH start.uboot model= vci=U-Boot.armv8 mac=52:54:00:12:34:56 ip=192.168.152.12\n');
  assert.ok(verdict.hints.some((h) => h.includes('U-Boot.armv8')), verdict.hints.join('|'));
});

test('link down, DHCP gave up, ARP failed, TFTP timed out: each outcome with its words', () => {
  const cases: [string, string, RegExp][] = [
    [UBOOT + 'Waiting for Ethernet connection... unable to connect.\r\n', 'link-down', /cable/],
    [UBOOT + 'BOOTP broadcast 1\r\nBOOTP broadcast 2\r\nRetry time exceeded; starting again\r\n', 'dhcp-failure', /WalT server is down/],
    [UBOOT + DHCP + tftp('start.uboot', '') + '\r\nARP Retry count exceeded; starting again\r\n', 'arp-failure', /ARP/],
    [UBOOT + DHCP + tftp('start.uboot', 'T T T T T T T T T T \r\nRetry count exceeded; starting again\r\n'), 'tftp-timeout', /blocked/],
    [UBOOT + 'Net:   No ethernet found.\r\n', 'link-down', /usb start/],
    ['', 'other', /No output/],
    [UBOOT + DHCP + tftp('start.uboot', OK) + 'Starting kernel ...\r\n[    0.000000] Booting Linux on physical CPU 0x0\r\n[    1.2] Kernel panic - not syncing: VFS: Unable to mount root fs\r\n', 'success', /panicked/],
  ];
  for (const [log, outcome, words] of cases) {
    const { verdict } = analyzeLog(log);
    assert.equal(verdict.outcome, outcome, log.slice(-80));
    assert.match(verdict.diagnosis, words);
  }
});

test('iPXE: both Configuring forms, downloads with sizes, error links', () => {
  const ipxe = '\x1b[0m\x1b[1miPXE 1.21.1+ (g4bd0)\x1b[0m -- Open Source Network Boot Firmware -- https://ipxe.org\r\n' +
    'Configuring [dhcp] (net0 52:54:00:12:34:56)...... ok\r\nWALT -- IPXE STARTUP\r\ntftp://192.168.152.1/start.ipxe... ok\r\nstart.ipxe : 345 bytes [script]\r\n';
  const { verdict } = analyzeLog(ipxe);
  assert.equal(verdict.outcome, 'success');
  assert.deepEqual(verdict.files.map((f) => [f.name, f.server, f.size]), [['start.ipxe', '192.168.152.1', 345]]);
  assert.equal(verdict.mac, '52:54:00:12:34:56');
  const missing = analyzeLog('iPXE 1.0.0+ -- Open Source Network Boot Firmware -- http://ipxe.org\r\nConfiguring (net0 52:54:00:12:34:56)... ok\r\ntftp://192.168.152.1/start.ipxe... No such file or directory (https://ipxe.org/2d12608e)\r\n');
  assert.equal(missing.verdict.outcome, 'tftp-not-found');
});

test('Pi 4/5 EEPROM: the newer NETWORK: wording; Pi 3 bootcode.bin netboot', () => {
  const eeprom = 'Boot mode: NETWORK (02) order f\r\nNETWORK: dc:a6:32:01:02:03 wait for link TFTP: 0.0.0.0\r\nLINK STATUS: speed: 1000 full duplex\r\nLink ready\r\nDHCP src: 00:11:22:33:44:55 192.168.152.1\r\nNET 192.168.152.20 255.255.255.0 gw 0.0.0.0 tftp 192.168.152.1\r\nTFTP_GET: dc:a6:32:01:02:03 192.168.152.1 start4.elf\r\nRead start4.elf bytes  2228800 hnd 0x00000000\r\n';
  const v = analyzeLog(eeprom).verdict;
  assert.equal(v.outcome, 'success');
  assert.deepEqual(v.files.map((f) => [f.name, f.size]), [['start4.elf', 2228800]]);
  assert.deepEqual(v.loaders, ['rpi-eeprom']);
  // bootcode.bin's real wording (see test/fixtures/bootlogs/20x-*-bootcode-*)
  const pi3 =
    'Raspberry Pi Bootcode\r\nTrying USB\r\nInitialise ethernet with MAC b8:27:eb:01:02:03\r\nWait for Link up\r\nLink up\r\nSending DHCP request\r\nWaiting for dhcp_reply\r\n' +
    'ARP request: my IP addr 192.168.152.20 my eth_addr b8:27:eb:01:02:03 ARP for addr 192.168.152.1\r\nRead File: start.elf, 2877988 (bytes)\r\n';
  const p = analyzeLog(pi3).verdict;
  assert.deepEqual(p.loaders, ['pi3-bootcode']);
  assert.equal(p.outcome, 'success');
  assert.equal(p.files[0]!.size, 2877988);
  assert.equal(p.ip, '192.168.152.20');
});

test('walt-init steps and a login prompt without a newline (seen when the port goes quiet)', () => {
  const a = new BootAnalyzer();
  const enc = (s: string) => new TextEncoder().encode(s);
  a.push(enc(UBOOT + DHCP + tftp('start.uboot', OK) + 'Starting kernel ...\r\n[    0.000000] Linux version 6.1.0 (x)\r\n*** Initializing... ***\r\n*** Switching to rootfs... ***\r\n'), 1000);
  assert.equal(a.verdict(1000).final, false, 'still booting');
  assert.equal(a.currentStages().find((s) => s.id === 'init')!.detail, 'Switching to rootfs');
  a.push(enc('rpi-3bp-a1 login: '), 2000);
  const { events } = a.idle(2200);
  assert.deepEqual(events.map((e) => e.kind), ['login-prompt']);
  assert.deepEqual(a.idle(2400).events, [], 'announced once');
  const v = a.verdict(2300);
  assert.equal(v.final, true);
  assert.equal(v.furthestStage, 'login');
  assert.match(v.diagnosis, /login prompt/);
});

test('live finality: a failure is final after the settle time, or at once when the board resets after it', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const a = new BootAnalyzer({ settleMs: 3000 });
  a.push(enc(UBOOT + DHCP + tftp('fit-start.uboot', NOT_FOUND)), 0);
  assert.equal(a.verdict(1000).final, false, 'the board may still fall back to start.uboot');
  assert.equal(a.verdict(3500).outcome, 'tftp-not-found');
  assert.equal(a.verdict(3500).final, true);
  const b = new BootAnalyzer({ settleMs: 60_000 });
  b.push(enc(WALT_FAIL_CYCLE + UBOOT), 0);
  assert.equal(b.verdict(10).final, true, 'a reset after the failure settles it');
});

test('a new banner mid-session is a reset; an SPL followed by its U-Boot is not', () => {
  const { verdict, events } = analyzeLog(UBOOT + DHCP + 'Starting kernel ...\r\n' + UBOOT);
  assert.equal(verdict.resets, 1);
  assert.deepEqual(events.filter((e) => e.kind === 'reset').map((e) => e.reason), ['new-banner']);
  const spl = analyzeLog('U-Boot SPL 2023.01 (x)\r\n' + UBOOT);
  assert.equal(spl.verdict.resets, 0);
});
