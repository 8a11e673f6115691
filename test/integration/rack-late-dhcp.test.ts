/**
 * A board that starts its DHCP late on a busy rack gets its address at once. The flake this guards: on the test
 * rack, frames for a board whose U-Boot has not started networking queued in its tap (1000 deep), and U-Boot's
 * virtio-net, handed more than its 32 receive buffers at once, stopped receiving for the whole DHCP round
 * ("BOOTP broadcast 1..17"; the bench answered every DISCOVER). test/support/qemu-uboot.ts keeps the tap's queue
 * short, as a real NIC that is not up holds nothing. Here board A runs eight DHCP rounds while board B waits.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { assertBuilt } from '../support/cli.js';
import { startCliJson, type JsonProcess } from '../support/cli-process.js';
import { createNetns, type NetNamespace, netnsAvailable } from '../support/netns.js';
import { startUbootBoard, type UbootBoard, ubootBoardAvailable } from '../support/qemu-uboot.js';

const skip = netnsAvailable() && ubootBoardAvailable() ? false : 'needs root, ip netns and QEMU U-Boot';

describe('a rack of U-Boot boards: late DHCP', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'wb-unicast-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a board that starts DHCP after another board did eight rounds still gets its address at once', { timeout: 90_000 }, async () => {
    assertBuilt();
    let ns: NetNamespace | null = null;
    const boards: UbootBoard[] = [];
    let check: JsonProcess | null = null;
    try {
      ns = createNetns({ prefix: 'ucast', tap: 'ucasttap0' });
      const sh = (...args: string[]): string => ns!.run('ip', args);
      sh('addr', 'flush', 'dev', 'ucasttap0');
      sh('link', 'add', 'ucastbr0', 'type', 'bridge');
      sh('tuntap', 'add', 'dev', 'ucasttap1', 'mode', 'tap');
      for (const tap of ['ucasttap0', 'ucasttap1']) sh('link', 'set', tap, 'master', 'ucastbr0', 'up');
      sh('addr', 'add', `${ns.hostIp}/24`, 'dev', 'ucastbr0');
      sh('link', 'set', 'ucastbr0', 'up');
      const env = { bootp_vci: 'walt.node.rpi-4-b', autoload: 'no', bootdelay: '0' };
      boards.push(
        await startUbootBoard({ netns: { ...ns, tap: 'ucasttap0' }, mac: '52:54:00:ae:00:01', paused: true, env: { ...env, bootcmd: `${'dhcp; '.repeat(8)}echo A-DONE` } }),
        await startUbootBoard({ netns: { ...ns, tap: 'ucasttap1' }, mac: '52:54:00:ae:00:02', paused: true, env: { ...env, bootcmd: 'sleep 5; dhcp; echo B-DONE' } }),
      );
      check = startCliJson(['check', '--iface', 'ucastbr0', '--all', '--expect', 'rpi-4-b', '--timeout', '40', '--json'], { WALT_BENCH_HOME: join(dir, 'home') }, ns.wrap());
      await new Promise((r) => setTimeout(r, 3000)); // the bench probes the link for 2 s before it serves
      for (const b of boards) b.resume();
      const [a, b] = boards as [UbootBoard, UbootBoard];
      await a.waitForLog(/A-DONE/, 20_000);
      assert.equal((a.log().match(/DHCP client bound/g) ?? []).length, 8, a.log());
      await b.waitForLog(/B-DONE/, 25_000).catch(() => undefined);
      const why = `console of B:\n${b.log().slice(-600)}\nbench:\n${check.stderr()}`;
      assert.match(b.log(), /DHCP client bound to address 192\.168\.152\.\d+/, why);
      assert.equal((b.log().match(/BOOTP broadcast \d+/g) ?? []).length, 1, `B took the first OFFER\n${why}`);
    } finally {
      await check?.stop();
      await Promise.all(boards.map((x) => x.stop()));
      ns?.remove();
    }
  });
});
