import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { assertBuilt } from '../support/cli.js';
import { startCliJson, type JsonProcess } from '../support/cli-process.js';
import { createNetns, type NetNamespace, netnsAvailable } from '../support/netns.js';
import { startUbootBoard, type UbootBoard, ubootBoardAvailable } from '../support/qemu-uboot.js';

const WALT_BOOTCMD =
  'dhcp; if tftpboot ${scriptaddr} fit-start.uboot; then source ${scriptaddr}; ' +
  'else dhcp; tftpboot ${scriptaddr} start.uboot; source ${scriptaddr}; fi; poweroff';
/** First boot: fetch start.uboot, then reset before running it (a marker in RAM survives the reset); then boot right. */
const REBOOT_ONCE = `if itest.l *0x48000000 == 0x5241434b; then ${WALT_BOOTCMD}; else mw.l 0x48000000 0x5241434b; dhcp; tftpboot \${scriptaddr} start.uboot; reset; fi`;

const skip = netnsAvailable() && ubootBoardAvailable() ? false : 'needs root, ip netns and QEMU U-Boot';

describe('check --all: a rack of three U-Boot boards on one bridge', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'wb-rack-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('three rows: two pass, the wrong model fails naming it; the board that reboots shows attempt 2', { timeout: 90_000 }, async () => {
    assertBuilt();
    let ns: NetNamespace | null = null;
    const boards: UbootBoard[] = [];
    let check: JsonProcess | null = null;
    try {
      ns = createNetns({ prefix: 'rack', tap: 'racktap0' });
      const sh = (...args: string[]): string => ns!.run('ip', args);
      sh('addr', 'flush', 'dev', 'racktap0');
      sh('link', 'add', 'rackbr0', 'type', 'bridge');
      for (const tap of ['racktap1', 'racktap2']) sh('tuntap', 'add', 'dev', tap, 'mode', 'tap');
      for (const tap of ['racktap0', 'racktap1', 'racktap2']) sh('link', 'set', tap, 'master', 'rackbr0', 'up');
      sh('addr', 'add', `${ns.hostIp}/24`, 'dev', 'rackbr0');
      sh('link', 'set', 'rackbr0', 'up');
      const spec = [
        { tap: 'racktap0', mac: '52:54:00:ac:00:01', vci: 'walt.node.rpi-4-b', bootcmd: REBOOT_ONCE },
        { tap: 'racktap1', mac: '52:54:00:ac:00:02', vci: 'walt.node.rpi-4-b', bootcmd: WALT_BOOTCMD },
        { tap: 'racktap2', mac: '52:54:00:ac:00:03', vci: 'walt.node.rpi-3-b-plus', bootcmd: WALT_BOOTCMD },
      ];
      const started = await Promise.all(
        spec.map((s) =>
          startUbootBoard({ netns: { ...ns!, tap: s.tap }, mac: s.mac, paused: true, noReboot: s.bootcmd === WALT_BOOTCMD, env: { bootp_vci: s.vci, autoload: 'no', bootdelay: '0', bootcmd: s.bootcmd } }),
        ),
      );
      boards.push(...started);
      const env = { WALT_BENCH_HOME: join(dir, 'home') };
      const ports = boards.flatMap((b) => ['--port', b.pty]);
      check = startCliJson(['check', '--iface', 'rackbr0', '--all', '--expect', 'rpi-4-b', ...ports, '--timeout', '60', '--json'], env, ns.wrap());
      await new Promise((r) => setTimeout(r, 1500));
      for (const b of boards) b.resume();
      const status = await check.exited;
      const last = check.lines.at(-1) as { boards: { mac: string; verdict: string; model: string; modelSent: string; attempts: number; port: string; diagnosis: string; checks: { id: string; state: string; evidence: string }[] }[] };
      const byMac = new Map(last.boards.map((b) => [b.mac, b]));
      const why = `${check.stderr()}\n${JSON.stringify(last, null, 1)}`;
      assert.equal(last.boards.length, 3, why);
      assert.equal(status, 1, why);
      const [a, b, c] = spec.map((s) => byMac.get(s.mac)!);
      assert.equal(a!.verdict, 'pass', why);
      assert.equal(a!.attempts, 2, why);
      assert.equal(b!.verdict, 'pass', why);
      assert.equal(b!.attempts, 1, why);
      assert.deepEqual(b!.checks.map((k) => k.state), ['ok', 'ok', 'ok', 'ok', 'ok'], why);
      assert.match(b!.checks.at(-1)!.evidence, new RegExp(`console printed vci=walt\\.node\\.rpi-4-b mac=${spec[1]!.mac} ip=192\\.168\\.152\\.\\d+`), why);
      assert.equal(c!.verdict, 'fail', why);
      assert.equal(c!.attempts, 1, `the wrong model's second DHCP of the same boot is no reboot\n${why}`);
      assert.match(c!.diagnosis, /walt\.node\.rpi-3-b-plus, expected walt\.node\.rpi-4-b/, why);
      assert.deepEqual([a!.port, b!.port], [boards[0]!.pty, boards[1]!.pty], 'each console joined to its own board');
      assert.ok(check.lines.some((l) => l.event === 'attempt-started' && l.mac === spec[0]!.mac), why);
      assert.ok(check.lines.filter((l) => l.event === 'board-appeared').length === 3, why);
    } finally {
      await check?.stop();
      await Promise.all(boards.map((b) => b.stop()));
      ns?.remove();
    }
  });
});
