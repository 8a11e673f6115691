import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { assertBuilt, runCli } from '../support/cli.js';
import { createZramCard, zramAvailable } from '../support/zram.js';
import { startCliJson, type JsonProcess } from '../support/cli-process.js';
import { startDnsmasq, type Dnsmasq } from '../support/dnsmasq.js';
import type { HostileResult } from '../support/net-hostile.js';
import { createNetns, type NetNamespace, netnsAvailable } from '../support/netns.js';
import { type IpxeBoard, ipxeBoardAvailable, startIpxeBoard } from '../support/qemu-ipxe.js';
import { startUbootBoard, type UbootBoard, ubootBoardAvailable } from '../support/qemu-uboot.js';

/** WalT's boot sequence in U-Boot's shell: fit-start.uboot first, start.uboot as the fallback, then run it. */
const WALT_BOOTCMD =
  'dhcp; if tftpboot ${scriptaddr} fit-start.uboot; then source ${scriptaddr}; ' +
  'else dhcp; tftpboot ${scriptaddr} start.uboot; source ${scriptaddr}; fi; poweroff';

const skip = netnsAvailable() && ubootBoardAvailable() ? false : 'needs root, ip netns and QEMU U-Boot';

describe('bench service on a desk link with a real U-Boot board', { skip }, () => {
  let ns: NetNamespace;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let bench: JsonProcess | null = null;
  let board: UbootBoard | null = null;
  let dnsmasq: Dnsmasq | null = null;

  before(() => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'wb-bench-'));
    env = { WALT_BENCH_HOME: join(dir, 'home') };
  });
  afterEach(async () => {
    await board?.stop();
    await bench?.stop();
    await dnsmasq?.stop();
    ns?.remove();
    board = null;
    bench = null;
    dnsmasq = null;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serves a walt bootloader: VCI seen, fit-start.uboot not found, start.uboot fetched, probe line on serial', async () => {
    ns = createNetns();
    bench = startCliJson(['bench', '--iface', ns.tap, '--serve', '--json'], env, ns.wrap());
    await bench.waitFor((l) => l.event === 'ready', 15000);
    board = await startUbootBoard({
      netns: ns,
      env: { bootp_vci: 'walt.node.rpi-3-b-plus', autoload: 'no', bootdelay: '0', bootcmd: WALT_BOOTCMD },
      noReboot: true,
    });
    const probe = await board.waitForLog(/WALT-BENCH start\.uboot model=\S* vci=(\S+) mac=(\S+) ip=(\S+)/, 30000);
    assert.deepEqual([probe[1], probe[2]], ['walt.node.rpi-3-b-plus', '52:54:00:12:34:56']);
    const discover = await bench.waitFor((l) => l.event === 'dhcp' && l.type === 'DISCOVER' && l.direction === 'client');
    assert.equal(discover.vendorClass, 'walt.node.rpi-3-b-plus');
    assert.equal(discover.model, 'rpi-3-b-plus');
    assert.deepEqual(discover.clientArch, [0x16]);
    assert.equal(discover.answered, true);
    const notFound = await bench.waitFor((l) => l.event === 'tftp' && l.filename === 'fit-start.uboot' && l.result !== 'started');
    assert.equal(notFound.result, 'not-found');
    const served = await bench.waitFor((l) => l.event === 'tftp' && l.filename === 'start.uboot' && l.result === 'complete');
    assert.equal(served.servedFrom, 'probe');
    assert.equal(served.bytes, served.size);
    assert.equal(served.blksize, 1468, 'U-Boot asked for 1468-byte blocks');
    assert.equal(probe[3], (await bench.waitFor((l) => l.event === 'dhcp' && l.type === 'ACK' && l.direction === 'server')).yourIp);
  });

  it('serves a candidate image root with the WalT remap, and never leaves the root', async () => {
    ns = createNetns();
    const root = join(dir, 'image-root');
    mkdirSync(join(root, 'boot', 'rpi-3-b-plus'), { recursive: true });
    const script = join(dir, 'start.txt');
    writeFileSync(script, 'echo IMAGE-ROOT start.uboot served from the image\n');
    execFileSync('mkimage', ['-A', 'arm64', '-T', 'script', '-C', 'none', '-d', script, join(root, 'boot', 'rpi-3-b-plus', 'start.uboot')], { stdio: 'ignore' });
    writeFileSync(join(dir, 'secret'), 'outside');
    bench = startCliJson(['bench', '--iface', ns.tap, '--serve', '--root', root, '--json'], env, ns.wrap());
    await bench.waitFor((l) => l.event === 'ready', 15000);
    board = await startUbootBoard({
      netns: ns,
      env: { bootp_vci: 'walt.node.rpi-3-b-plus', autoload: 'no', bootdelay: '0', bootcmd: WALT_BOOTCMD },
      noReboot: true,
    });
    await board.waitForLog(/IMAGE-ROOT start\.uboot served from the image/, 30000);
    const served = await bench.waitFor((l) => l.event === 'tftp' && l.filename === 'start.uboot' && l.result === 'complete');
    assert.equal(served.servedFrom, 'boot/rpi-3-b-plus/start.uboot');
    await board.stop();
    board = null;
    // Escapes and writes, from a TFTP client on the link.
    const curl = (args: string[]): number => {
      try {
        execFileSync(ns.wrap()[0]!, [...ns.wrap().slice(1), 'curl', '-s', '-m', '5', ...args], { stdio: 'ignore' });
        return 0;
      } catch (e) {
        return (e as { status: number }).status;
      }
    };
    assert.notEqual(curl(['-o', '/dev/null', `tftp://${ns.hostIp}/../../secret`]), 0);
    assert.notEqual(curl(['-o', '/dev/null', `tftp://${ns.hostIp}//etc/passwd`]), 0);
    assert.notEqual(curl(['-T', script, `tftp://${ns.hostIp}/upload.txt`]), 0);
    const refused = await bench.waitFor((l) => l.event === 'tftp' && l.result === 'refused');
    assert.match(String(refused.message), /read-only|Access violation/);
  });

  it('ignores a board whose VCI is not walt (bootp_vci unset: U-Boot.armv8)', async () => {
    ns = createNetns();
    bench = startCliJson(['bench', '--iface', ns.tap, '--serve', '--json'], env, ns.wrap());
    await bench.waitFor((l) => l.event === 'ready', 15000);
    board = await startUbootBoard({ netns: ns, env: { autoload: 'no', bootdelay: '0', bootcmd: 'dhcp' }, noReboot: true });
    const ignored = await bench.waitFor((l) => l.event === 'dhcp' && l.direction === 'client', 20000);
    assert.equal(ignored.vendorClass, 'U-Boot.armv8');
    assert.equal(ignored.answered, false);
    assert.match(String(ignored.reason), /not a WalT bootloader \(U-Boot\.armv8\)/);
    await board.waitForLog(/BOOTP broadcast 2/, 15000);
    assert.equal(bench.lines.some((l) => l.event === 'dhcp' && l.direction === 'server'), false, 'no answer on the wire');
  });

  it('refuses to serve where another DHCP server answers', async () => {
    ns = createNetns();
    const tftpRoot = join(dir, 'tftp-empty');
    mkdirSync(tftpRoot, { recursive: true });
    dnsmasq = await startDnsmasq(ns, { tftpRoot });
    bench = startCliJson(['bench', '--iface', ns.tap, '--serve', '--json'], env, ns.wrap());
    const status = await bench.exited;
    assert.equal(status, 3);
    assert.match(bench.stderr(), /another DHCP server answers on tap0 \(192\.168\.152\.1 offered 192\.168\.152\.\d+\): walt-bench will not serve DHCP there/);
  });

  it('observes beside dnsmasq: reports the VCI dnsmasq logs and the answer, answers nothing', async () => {
    ns = createNetns();
    const tftpRoot = join(dir, 'tftp-obs');
    mkdirSync(tftpRoot, { recursive: true });
    dnsmasq = await startDnsmasq(ns, { tftpRoot, bootFile: 'start.uboot' });
    bench = startCliJson(['bench', '--iface', ns.tap, '--observe', '--json'], env, ns.wrap());
    await bench.waitFor((l) => l.event === 'ready', 15000);
    board = await startUbootBoard({ netns: ns, env: { bootp_vci: 'walt.node.rpi-4-b', autoload: 'no', bootdelay: '0', bootcmd: 'dhcp; poweroff' }, noReboot: true });
    await board.waitForLog(/DHCP client bound to address/, 20000);
    const seen = await bench.waitFor((l) => l.event === 'dhcp' && l.direction === 'client' && l.type === 'REQUEST');
    assert.equal(seen.vendorClass, 'walt.node.rpi-4-b');
    assert.equal(seen.answered, null, 'an observer never decides to answer');
    await dnsmasq.waitForLog(/vendor class: walt\.node\.rpi-4-b/);
    const answer = await bench.waitFor((l) => l.event === 'dhcp' && l.direction === 'server' && l.type === 'ACK');
    assert.equal(answer.serverId, ns.hostIp);
    assert.equal(answer.bootFile, 'start.uboot');
    assert.ok(bench.lines.filter((l) => l.event === 'dhcp' && l.direction === 'server').every((l) => l.serverId === ns.hostIp), 'only dnsmasq answered');
  });
});

describe('walt-bench check: the verdict for one board', { skip }, () => {
  let ns: NetNamespace;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let check: JsonProcess | null = null;
  let board: UbootBoard | null = null;

  before(() => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'wb-check-'));
    env = { WALT_BENCH_HOME: join(dir, 'home') };
  });
  afterEach(async () => {
    await board?.stop();
    await check?.stop();
    ns?.remove();
    board = null;
    check = null;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function runCheck(expect: string, vci: string | null, extra: string[] = []): Promise<{ status: number | null; last: Record<string, unknown> }> {
    ns = createNetns();
    check = startCliJson(['check', '--iface', ns.tap, '--expect', expect, '--timeout', '40', '--json', ...extra], env, ns.wrap());
    await check.waitFor((l) => l.event === 'update', 15000);
    board = await startUbootBoard({
      netns: ns,
      env: { ...(vci ? { bootp_vci: vci } : {}), autoload: 'no', bootdelay: '0', bootcmd: WALT_BOOTCMD },
      noReboot: true,
    });
    const status = await check.exited;
    return { status, last: check.lines.at(-1)! };
  }

  it('passes when the board sends walt.node.<expected> and fetches start.uboot (a new model string too)', async () => {
    const { status, last } = await runCheck('my-new-board', 'walt.node.my-new-board');
    assert.equal(status, 0, check!.stderr());
    assert.equal(last.verdict, 'pass');
    assert.deepEqual([last.model, last.mac, last.vci, last.uci], ['my-new-board', '52:54:00:12:34:56', 'walt.node.my-new-board', null]);
    assert.deepEqual((last.files as { name: string; result: string }[]).map((f) => [f.name, f.result]), [['fit-start.uboot', 'not-found'], ['start.uboot', 'complete']]);
    const checks = last.checks as { id: string; state: string }[];
    assert.deepEqual(checks.map((c) => [c.id, c.state]), [['dhcp', 'ok'], ['identity', 'ok'], ['fetch', 'ok'], ['transfer', 'ok'], ['run', 'skipped']]);
  });

  it('with the serial console too: the probe line proves start.uboot ran, all five checks pass', async () => {
    ns = createNetns();
    board = await startUbootBoard({
      netns: ns,
      paused: true,
      env: { bootp_vci: 'walt.node.rpi-4-b', autoload: 'no', bootdelay: '0', bootcmd: WALT_BOOTCMD },
      noReboot: true,
    });
    check = startCliJson(['check', '--iface', ns.tap, '--expect', 'rpi-4-b', '--port', board.pty, '--timeout', '40', '--json'], env, ns.wrap());
    await check.waitFor((l) => l.event === 'update', 15000);
    board.resume();
    const status = await check.exited;
    const last = check.lines.at(-1)!;
    assert.equal(status, 0, `${check.stderr()}\n${JSON.stringify(last)}`);
    const checks = last.checks as { id: string; state: string; evidence: string }[];
    assert.deepEqual(checks.map((c) => [c.id, c.state]), [['dhcp', 'ok'], ['identity', 'ok'], ['fetch', 'ok'], ['transfer', 'ok'], ['run', 'ok']]);
    assert.match(checks.find((c) => c.id === 'run')!.evidence, /the probe script ran on the board: console printed vci=walt\.node\.rpi-4-b mac=52:54:00:12:34:56 ip=192\.168\.152\.\d+/);
    assert.equal(last.ip, /ip=(\S+)/.exec(board.log())?.[1] ?? 'no probe line', 'network and console agree on the address');
  });

  it('fails naming both models when the board is another model (exit 1)', async () => {
    const { status, last } = await runCheck('rpi-4-b', 'walt.node.rpi-3-b-plus');
    assert.equal(status, 1);
    assert.equal(last.verdict, 'fail');
    assert.match(String(last.diagnosis), /sent vendor class \(option 60\) walt\.node\.rpi-3-b-plus, expected walt\.node\.rpi-4-b/);
  });

  it('fails with the U-Boot.armv8 explanation when bootp_vci is unset', async () => {
    const { status, last } = await runCheck('rpi-4-b', null);
    assert.equal(status, 1);
    assert.equal(last.vci, 'U-Boot.armv8');
    assert.match(String(last.diagnosis), /U-Boot's default, so bootp_vci is unset/);
  });

  it('fails at the fetch when the image root has no start file for the model', async () => {
    const root = join(dir, 'empty-root');
    mkdirSync(join(root, 'boot'), { recursive: true });
    const { status, last } = await runCheck('rpi-4-b', 'walt.node.rpi-4-b', ['--root', root]);
    assert.equal(status, 1);
    const fetch = (last.checks as { id: string; state: string }[]).find((c) => c.id === 'fetch')!;
    assert.equal(fetch.state, 'failed');
    assert.match(String(last.diagnosis), /the image root has no boot\/rpi-4-b\/start\.uboot/);
  });
});

describe('walt-bench check with a PC board: iPXE under QEMU x86', { skip: skip || (ipxeBoardAvailable() ? false : 'needs qemu-system-x86 and ipxe.lkrn') }, () => {
  it('passes via the user class (option 77, raw string) and start.ipxe', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-ipxe-check-'));
    const ns = createNetns();
    const check = startCliJson(['check', '--iface', ns.tap, '--expect', 'pc-x86-64', '--timeout', '60', '--json'], { WALT_BENCH_HOME: join(dir, 'home') }, ns.wrap());
    let board: IpxeBoard | null = null;
    try {
      await check.waitFor((l) => l.event === 'update', 15000);
      board = startIpxeBoard(ns, '#!ipxe\nset user-class walt.node.pc-x86-64\nifconf -c dhcp net0\nchain tftp://${next-server}/start.ipxe\n');
      const status = await check.exited;
      const last = check.lines.at(-1)!;
      assert.equal(status, 0, `${check.stderr()}\n${JSON.stringify(last)}`);
      assert.deepEqual([last.verdict, last.uci, last.vci], ['pass', 'walt.node.pc-x86-64', 'PXEClient:Arch:00000:UNDI:002001']);
      assert.deepEqual((last.files as { name: string; result: string }[]).map((f) => [f.name, f.result]), [['start.ipxe', 'complete']]);
    } finally {
      await board?.stop();
      await check.stop();
      ns.remove();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bench service under garbage', { skip: netnsAvailable() ? false : 'needs root and ip netns' }, () => {
  it('20,000 random and mutated DHCP/TFTP packets: no crash, no answer, still serving afterwards', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-fuzz-'));
    const ns = createNetns();
    const bench = startCliJson(['bench', '--iface', ns.tap, '--serve', '--json'], { WALT_BENCH_HOME: join(dir, 'home') }, ns.wrap());
    try {
      await bench.waitFor((l) => l.event === 'ready', 15000);
      const fuzzer = join(__dirname, '..', 'support', 'net-fuzzer.ts');
      const out = execFileSync(ns.wrap()[0]!, [...ns.wrap().slice(1), process.execPath, '--import', 'tsx', fuzzer, ns.hostIp, '20000'], { encoding: 'utf8' });
      const result = JSON.parse(out.trim().split('\n').at(-1)!) as { sent: number; dhcpReplies: number; tftpData: number };
      assert.deepEqual(result, { sent: 20000, dhcpReplies: 0, tftpData: 0 });
      assert.equal(bench.child.exitCode, null, 'the bench is still running');
      assert.equal(bench.lines.some((l) => l.event === 'dhcp' && l.answered === true), false);
      // And it still answers a real walt bootloader.
      const board = await startUbootBoard({ netns: ns, env: { bootp_vci: 'walt.node.rpi-4-b', autoload: 'no', bootdelay: '0', bootcmd: WALT_BOOTCMD }, noReboot: true });
      try {
        await board.waitForLog(/WALT-BENCH start\.uboot/, 30000);
      } finally {
        await board.stop();
      }
    } finally {
      await bench.stop();
      ns.remove();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bench service under hostile packets (issue 13)', { skip: netnsAvailable() ? false : 'needs root and ip netns' }, () => {
  it('header fields and options at their limits, TFTP at its limits, 100 walt DISCOVERs from random MACs: counted, logged once, and a proper walt client still gets OFFER, ACK and its file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-hostile-'));
    const ns = createNetns();
    const bench = startCliJson(['bench', '--iface', ns.tap, '--serve', '--json'], { WALT_BENCH_HOME: join(dir, 'home') }, ns.wrap());
    let board: UbootBoard | null = null;
    try {
      await bench.waitFor((l) => l.event === 'ready', 15000);
      const fuzzer = join(__dirname, '..', 'support', 'net-fuzzer.ts');
      const out = execFileSync(ns.wrap()[0]!, [...ns.wrap().slice(1), process.execPath, '--import', 'tsx', fuzzer, ns.hostIp, '0', 'hostile'], { encoding: 'utf8' });
      const r = JSON.parse(out.trim().split('\n').at(-1)!) as HostileResult;
      assert.equal(bench.child.exitCode, null, `the bench is still running\n${bench.stderr()}`);
      assert.equal(r.answeredHostile, 0, 'no malformed packet is answered');
      assert.ok(r.floodOffers < 50, `${r.floodOffers} of the 100 random MACs got an OFFER: the new-client limit holds the rest`);
      assert.ok(r.offer, `the proper walt DISCOVER got an OFFER (${r.offerTries} tries)`);
      assert.ok(r.offerTries <= 3, `OFFER after ${r.offerTries} DISCOVERs`);
      assert.equal(r.offer.leaseTime, 3600, 'the OFFER gives the lease time');
      assert.deepEqual(r.ack, { yiaddr: r.offer.yiaddr, leaseTime: 3600 });
      // The probe start.uboot fits one 512-byte block: "data <size>" without an OACK = the option was ignored.
      const whole = `data ${r.startUbootBytes}`;
      assert.deepEqual(r.tftp, {
        empty: 'silence',
        '1 byte': 'silence',
        '3 bytes': 'silence',
        'opcode 0': 'silence',
        'opcode 7': 'silence',
        'opcode 65535': 'silence',
        'RRQ without NUL': 'silence',
        'RRQ without mode': 'silence',
        'RRQ option without value': 'silence',
        'RRQ with 40 options': 'silence',
        'ACK to port 69': 'silence',
        'DATA to port 69': 'silence',
        'ERROR to port 69': 'silence',
        'OACK to port 69': 'silence',
        'RRQ of 600 bytes': 'error 4',
        WRQ: 'error 2',
        'mode mail': 'error 4',
        'blksize 0': whole,
        'blksize 1': whole,
        'blksize 65536': whole,
        'blksize 65464': 'oack blksize,1468',
        'windowsize 16': `oack tsize,${r.startUbootBytes}`,
        'timeout 0': whole,
        'timeout 256': whole,
        '__proto__ option': whole,
        'path escape': 'error 2',
      });
      assert.ok(r.startUbootBytes !== null && r.startUbootBytes > 0, 'a whole read of start.uboot, garbage sent into its transfer first');
      const served = await bench.waitFor((l) => l.event === 'tftp' && l.filename === 'start.uboot' && l.result === 'complete' && l.blksize === 1468);
      assert.equal(served.bytes, r.startUbootBytes);
      // Logged once per source, then counted: the summary names the source and the totals.
      const firsts = bench.lines.filter((l) => l.event === 'status' && /^dropped a malformed packet from 192\.168\.152\.1:/.test(String(l.message)));
      assert.equal(firsts.length, 1, 'one line for the one source, whatever it sent');
      // The first hostile packet was the one that used to kill the process: a walt DISCOVER with hlen 0.
      assert.match(String(firsts[0]!.message), /DHCP DISCOVER: hardware type 1 length 0, not an Ethernet MAC \(type 1, length 6\)/);
      const summary = await bench.waitFor((l) => l.event === 'status' && /^packets dropped: /.test(String(l.message)), 15000);
      const totals = /\(in all: (\d+) malformed, (\d+) rate-limited\)$/.exec(String(summary.message));
      assert.ok(totals, String(summary.message));
      assert.ok(Number(totals[1]) >= r.mustCountMalformed, `${totals[1]} malformed counted, ${r.mustCountMalformed} sent`);
      assert.match(String(summary.message), /\d+ malformed from 192\.168\.152\.1 \(/);
      assert.equal(bench.lines.some((l) => l.event === 'dhcp' && l.xid === 0x0badf00d && l.answered === true), false);
      // And a real U-Boot board still boots from it.
      if (ubootBoardAvailable()) {
        board = await startUbootBoard({ netns: ns, env: { bootp_vci: 'walt.node.rpi-4-b', autoload: 'no', bootdelay: '0', bootcmd: WALT_BOOTCMD }, noReboot: true });
        await board.waitForLog(/WALT-BENCH start\.uboot/, 30000);
      }
      assert.equal(bench.child.exitCode, null, 'still running at the end');
    } finally {
      await board?.stop();
      await bench.stop();
      ns.remove();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the whole chain: a WalT card written by walt-bench boots a board that passes the check', { skip: skip || (zramAvailable() ? false : 'needs zram') }, () => {
  it('tar.gz with boot.scr -> FAT32 card on zram -> QEMU U-Boot boots it -> DHCP + TFTP from the bench -> pass', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-chain-'));
    const env = { WALT_BENCH_HOME: join(dir, 'home'), WALT_BENCH_VIRTUAL_DRIVES: '1' };
    const card = createZramCard(128 << 20);
    const ns = createNetns();
    let board: UbootBoard | null = null;
    let check: JsonProcess | null = null;
    try {
      // A card shaped like WalT's pre-2023 ones: boot.scr sets bootp_vci, runs dhcp, fetches start.uboot, runs it.
      mkdirSync(join(dir, 'card'));
      writeFileSync(join(dir, 'boot.txt'), `echo WALT-CARD boot.scr running\nsetenv bootp_vci walt.node.rpi-3-b-plus\nsetenv autoload no\n${WALT_BOOTCMD.replace('; poweroff', '')}\n`);
      execFileSync('mkimage', ['-A', 'arm64', '-T', 'script', '-C', 'none', '-d', join(dir, 'boot.txt'), join(dir, 'card', 'boot.scr')], { stdio: 'ignore' });
      writeFileSync(join(dir, 'card', 'walt.date'), 'Fri Mar  1 10:20:30 UTC 2024\n1709288430\n');
      execFileSync('tar', ['-C', join(dir, 'card'), '-czf', join(dir, 'card.tar.gz'), '.']);
      const flash = await runCli(['flash', join(dir, 'card.tar.gz'), '--drive', card.device, '--yes', '--json'], env);
      assert.equal(flash.status, 0, flash.stderr);
      board = await startUbootBoard({ netns: ns, drive: card.device, paused: true, noReboot: true });
      check = startCliJson(['check', '--iface', ns.tap, '--expect', 'rpi-3-b-plus', '--port', board.pty, '--timeout', '60', '--json'], env, ns.wrap());
      await check.waitFor((l) => l.event === 'update', 15000);
      board.resume();
      const status = await check.exited;
      const last = check.lines.at(-1)!;
      assert.equal(status, 0, `${check.stderr()}\n${JSON.stringify(last)}\n${board.log().slice(-2000)}`);
      assert.match(board.log(), /WALT-CARD boot\.scr running/);
      assert.deepEqual([last.verdict, last.vci], ['pass', 'walt.node.rpi-3-b-plus']);
      assert.deepEqual((last.checks as { state: string }[]).map((c) => c.state), ['ok', 'ok', 'ok', 'ok', 'ok']);
    } finally {
      await board?.stop();
      await check?.stop();
      ns.remove();
      card.remove();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
