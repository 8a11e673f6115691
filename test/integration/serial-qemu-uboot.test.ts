/**
 * A real U-Boot (QEMU arm64 `virt`, Debian's u-boot-qemu) network-boots against dnsmasq in a private namespace,
 * watched through its serial pty: WalT's boot command (fit-start.uboot, then start.uboot, else reset).
 * - served: fit-start.uboot is missing (harmless), start.uboot is served and run -> success, the probe line read;
 * - nothing served: both files "File not found", the board resets -> `walt-bench watch` exits 12 (tftp-not-found)
 *   at that reset, with the "no default image for this model" diagnosis.
 * Each board is stopped (by PID) as soon as the answer is in.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nextEvent, startTestBackend, type TestBackend } from '../support/backend.js';
import { assertBuilt, ROOT } from '../support/cli.js';
import { startDnsmasq, type Dnsmasq } from '../support/dnsmasq.js';
import { createNetns, netnsAvailable, type NetNamespace } from '../support/netns.js';
import { startUbootBoard, ubootBoardAvailable, type UbootBoard } from '../support/qemu-uboot.js';

const skip = !netnsAvailable() ? 'needs root and ip netns' : !ubootBoardAvailable() ? 'needs qemu-system-aarch64, u-boot-qemu, u-boot-tools' : false;

/** WalT's Raspberry Pi boot command, as U-Boot runs it. */
export const WALT_BOOTCMD =
  'setenv bootp_vci walt.node.rpi-3-b-plus; dhcp; if tftpboot ${scriptaddr} fit-start.uboot; then source ${scriptaddr}; ' +
  'else dhcp; if tftpboot ${scriptaddr} start.uboot; then source ${scriptaddr}; fi; fi; reset';
const ENV = { autoload: 'no', bootdelay: '0', bootcmd: WALT_BOOTCMD };

let dir = '';
let ns: NetNamespace | null = null;
let dnsmasq: Dnsmasq | null = null;
let board: UbootBoard | null = null;
let tb: TestBackend | null = null;

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'wb-qemu-watch-'));
  ns = createNetns();
  dnsmasq = await startDnsmasq(ns, { tftpRoot: dir });
  tb = await startTestBackend();
});
after(async () => {
  await board?.stop();
  await dnsmasq?.stop();
  ns?.remove();
  await tb?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A start.uboot that prints the probe line issue 5 reads, then powers the board off. */
function writeStartUboot(): void {
  const script = join(dir, 'start.txt');
  writeFileSync(script, 'echo WALT-BENCH start.uboot model=rpi-3-b-plus vci=${bootp_vci} mac=${ethaddr} ip=${ipaddr}\npoweroff\n');
  execFileSync('mkimage', ['-A', 'arm64', '-T', 'script', '-C', 'none', '-d', script, join(dir, 'start.uboot')], { stdio: 'ignore' });
}

test('served: DHCP + TFTP of start.uboot after a harmless fit-start.uboot miss -> success, seen live on the pty', { skip, timeout: 60_000 }, async () => {
  writeStartUboot();
  board = await startUbootBoard({ netns: ns!, env: ENV, paused: true, noReboot: true });
  const api = tb!.api;
  const session = await api.call('serial.open', { path: board.pty, expect: 'rpi-3-b-plus' });
  const verdict = nextEvent(api, 'serial.verdict', (p) => p.sessionId === session.sessionId, 30_000);
  const kinds: string[] = [];
  const off = api.on('serial.boot', (p) => p.sessionId === session.sessionId && kinds.push(...p.events.map((e) => e.kind)));
  board.resume();
  const v = (await verdict).verdict;
  off();
  await board.stop();
  board = null;
  assert.equal(v.outcome, 'success', v.diagnosis);
  assert.match(v.ip ?? '', /^192\.168\.152\.\d+$/);
  assert.equal(v.server, '192.168.152.1');
  assert.deepEqual(v.files.map((f) => [f.name, f.status]), [['fit-start.uboot', 'not-found'], ['start.uboot', 'ok']]);
  assert.ok(v.files[1]!.size! > 64, 'start.uboot with its size');
  assert.equal(v.reportedModel, 'rpi-3-b-plus', 'the probe line was read');
  assert.equal(v.mac, '52:54:00:12:34:56');
  for (const k of ['banner', 'dhcp-request', 'dhcp-bound', 'tftp-start', 'tftp-file', 'tftp-error', 'tftp-done', 'script-exec', 'probe']) {
    assert.ok(kinds.includes(k), `live event ${k}`);
  }
  assert.ok(v.hints.some((h) => /fit-start\.uboot was not found first/.test(h)));
  await api.call('serial.close', { sessionId: session.sessionId });
});

test('nothing served: File not found twice, then reset -> `walt-bench watch --json` exits 12 (tftp-not-found) at once', { skip, timeout: 90_000 }, async () => {
  assertBuilt();
  rmSync(join(dir, 'start.uboot'), { force: true });
  board = await startUbootBoard({ netns: ns!, env: ENV, paused: true });
  const home = join(dir, 'cli-home');
  const cli = spawn(process.execPath, [join(ROOT, 'bin', 'walt-bench.js'), 'watch', board.pty, '--expect', 'rpi-3-b-plus', '--json', '--timeout', '60'], {
    env: { ...process.env, WALT_BENCH_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  cli.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<number | null>((r) => cli.on('close', r));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`watch never opened the port: ${out} ${err}`)), 20_000);
    cli.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('"event":"open"')) {
        clearTimeout(t);
        resolve();
      }
    });
  });
  board.resume();
  const status = await exited;
  await board.stop();
  board = null;
  const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const last = lines[lines.length - 1]!;
  assert.equal(status, 12, `exit status of tftp-not-found; stderr: ${err}`);
  assert.equal(last.event, 'verdict');
  assert.equal(last.outcome, 'tftp-not-found');
  assert.ok(Number(last.resets) >= 1, 'the board reset after the failed fetches (which settles the verdict)');
  assert.match(String(last.diagnosis), /neither fit-start\.uboot nor start\.uboot/);
  assert.ok((last.hints as string[]).some((h) => h.includes('waltplatform/rpi-3-b-plus-default')));
  assert.ok(lines.some((l) => l.event === 'boot' && l.kind === 'reset'), 'reset events streamed');
  assert.ok(lines.some((l) => l.event === 'boot' && l.kind === 'tftp-error' && l.notFound === true));
});
