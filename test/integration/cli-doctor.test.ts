/**
 * `walt-bench doctor --json` through the built CLI, as root and as nobody (setpriv --reuid=65534 --clear-groups):
 * the states differ as they should (raw disk access, serial ports and ports 67/69 ok for root, failed for nobody with
 * the fix named), the exit status follows the worst state, and a state folder others may write is reported with its
 * fix instead of the CLI refusing to start; the catalog in force is read, or its failure named with the fix.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DoctorReportData } from '../../src-main/api/contract.js';
import { DoctorReport } from '../../src-main/api/domains/doctor.js';
import { assertBuilt, ROOT } from '../support/cli.js';

const isRoot = process.getuid?.() === 0;
const SETPRIV = '/usr/bin/setpriv';
const skip = !isRoot ? 'needs root (to run the CLI as root and as nobody)' : !existsSync(SETPRIV) ? 'needs setpriv (util-linux)' : false;

/** Runs `walt-bench doctor --json`, optionally as uid/gid 65534 with no supplementary group; parses its one line. */
function doctor(home: string, asNobody: boolean): Promise<{ status: number | null; report: DoctorReportData; stderr: string }> {
  const cli = [process.execPath, join(ROOT, 'bin', 'walt-bench.js'), 'doctor', '--json'];
  const argv = asNobody ? [SETPRIV, '--reuid=65534', '--regid=65534', '--clear-groups', ...cli] : cli;
  return new Promise((resolve, reject) => {
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', WALT_BENCH_HOME: home, HOME: home };
    const child = spawn(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      try {
        resolve({ status, report: DoctorReport.parse(JSON.parse(out)), stderr: err });
      } catch (e) {
        reject(new Error(`doctor printed no report (exit ${status}): ${out}\n${err}`, { cause: e }));
      }
    });
  });
}

const byId = (r: DoctorReportData, id: string) => r.checks.find((c) => c.id === id)!;
/** True when the kernel lets any user bind port 67 (net.ipv4.ip_unprivileged_port_start lowered). */
const lowPortsOpen = (): boolean => Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8')) <= 67;
/** True when a serial port exists that nobody (no group) cannot open. */
const serialPorts = (): string[] => readdirSync('/dev').filter((n) => /^tty(USB|ACM|S|AMA)\d+$/.test(n));

describe('walt-bench doctor --json, root vs nobody', { skip }, () => {
  let base = '';
  before(() => {
    assertBuilt();
    base = mkdtempSync(join(tmpdir(), 'wb-doctor-'));
    chmodSync(base, 0o755);
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  it('as root: raw disk, serial, ports 67/69 and the state folder pass; exit 0 unless a check fails', async () => {
    const home = join(base, 'root-home');
    const { status, report } = await doctor(home, false);
    assert.equal(report.user.uid, 0);
    assert.equal(byId(report, 'raw-disk').state, 'ok');
    assert.match(byId(report, 'raw-disk').found, /running as root/);
    if (serialPorts().length > 0) assert.equal(byId(report, 'serial-access').state, 'ok');
    assert.notEqual(byId(report, 'bench-ports').state, 'fail', byId(report, 'bench-ports').found);
    assert.equal(byId(report, 'state-folder').state, 'ok');
    assert.equal(byId(report, 'native-modules').state, 'ok', byId(report, 'native-modules').found);
    assert.equal(byId(report, 'udevadm').state, existsSync('/usr/bin/udevadm') || existsSync('/bin/udevadm') ? 'ok' : 'fail');
    assert.equal(status, report.worst === 'fail' ? 1 : 0);
  });

  it('as nobody: raw disk access and ports 67/69 fail with their fix, a serial port nobody cannot open fails naming dialout; exit 1', async () => {
    const made = mkdtempSync(join(base, 'n-'));
    chownSync(made, 65534, 65534);
    const { status, report, stderr } = await doctor(join(made, 'state'), true);
    assert.equal(report.user.uid, 65534, stderr);
    const raw = byId(report, 'raw-disk');
    assert.equal(raw.state, 'fail');
    assert.match(raw.found, /not root \(uid 65534\)/);
    assert.match(raw.fix!, /sudo walt-bench/);
    const ports = byId(report, 'bench-ports');
    if (!lowPortsOpen()) {
      assert.equal(ports.state, 'fail');
      assert.match(ports.found, /UDP 67: EACCES/);
      assert.match(ports.fix!, /cap_net_bind_service/);
    }
    const serial = byId(report, 'serial-access');
    if (serialPorts().length > 0) {
      assert.equal(serial.state, 'fail');
      assert.match(serial.fix!, /usermod -aG dialout nobody/);
    } else {
      assert.equal(serial.state, 'warn');
    }
    assert.equal(byId(report, 'state-folder').state, 'ok', 'nobody owns its own state folder');
    assert.equal(report.worst, 'fail');
    assert.equal(status, 1);
  });

  it('a state folder every user may write: the CLI still answers, the state-folder check fails with chmod 700', async () => {
    const home = mkdtempSync(join(base, 'open-'));
    chmodSync(home, 0o777);
    const { status, report } = await doctor(home, false);
    const state = byId(report, 'state-folder');
    assert.equal(state.state, 'fail');
    assert.match(state.found, /writable by every user \(mode 0777\)/);
    assert.match(state.fix!, new RegExp(`chmod 700 ${home}`));
    assert.equal(status, 1);
  });

  it('the catalog: the shipped one reads ok; a catalog-source URL nobody answers, never kept, fails with the fix', async () => {
    const shipped = await doctor(join(base, 'catalog-shipped'), false);
    const ok = byId(shipped.report, 'catalog');
    assert.equal(ok.state, 'ok', ok.found);
    assert.match(ok.found, /assets\/catalog\.json: read from the file \(\d+ artifacts?\)/);
    const home = join(base, 'catalog-down');
    mkdirSync(home, { mode: 0o700 });
    writeFileSync(join(home, 'settings.json'), JSON.stringify({ catalogSource: 'http://127.0.0.1:9/catalog.json' }));
    const { status, report } = await doctor(home, false);
    const down = byId(report, 'catalog');
    assert.equal(down.state, 'fail');
    assert.match(down.found, /127\.0\.0\.1:9\/catalog\.json.*ECONNREFUSED/);
    assert.match(down.fix!, /catalog source in Settings/);
    assert.equal(status, 1);
  });
});
