/**
 * The Settings view in a real Chromium against a real `walt-bench station`: a setting changed is kept across a
 * reload (stored in the station's state folder, mode 0644 at most), an invalid one is refused with the reason, and
 * the About panel shows the versions (Electron: not running in Electron). The new settings changed in the view are
 * stored (re-read through the station's API) and take effect: the Console view opens at the default baud, the CLI's
 * bench uses the bench interface, flash needs a confirmation above the large-drive limit, and a journal location that
 * is not a folder is refused with the fix.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CHROMIUM, openTestPage, type TestPage } from './support/browser.js';
import { startStationProcess, type StationProcess } from './support/station-process.js';

const REPO = join(__dirname, '..', '..');
const missing = [
  !existsSync(CHROMIUM) && CHROMIUM,
  !existsSync(join(REPO, 'dist', 'renderer', 'index.html')) && 'the built UI (npm run build:renderer)',
  !existsSync(join(REPO, 'dist', 'main', 'cli', 'main.js')) && 'the built backend',
].filter(Boolean);
const skip = missing.length > 0 ? `needs ${missing.join(', ')}` : false;
const byTestId = (p: Page, id: string) => p.locator(`[data-testid="${id}"]`);

describe('UI: Settings and About', { skip }, () => {
  let base = '';
  let station: StationProcess | null = null;
  let t: TestPage | null = null;
  before(() => {
    base = mkdtempSync(join(tmpdir(), 'app-ui-settings-'));
  });
  after(async () => {
    await t?.browser.close().catch(() => undefined);
    await station?.stop().catch(() => undefined);
    rmSync(base, { recursive: true, force: true });
  });

  it('keeps a changed setting across a reload, refuses an invalid one with the reason, shows About', { timeout: 90_000 }, async () => {
    const state = join(base, 'state');
    station = await startStationProcess(REPO, { WALT_BENCH_HOME: state });
    t = await openTestPage({ width: 1366, height: 768 });
    const p = t.page;
    await p.goto(station.url);
    await byTestId(p, 'tab-settings').click();
    const mib = byTestId(p, 'settings-log-mib');
    await mib.waitFor({ timeout: 30_000 });
    await mib.fill('32');
    await byTestId(p, 'settings-save').click();
    await byTestId(p, 'settings-saved').waitFor();
    const file = join(state, 'settings.json');
    assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { serialLogMiB: number }).serialLogMiB, 32);
    assert.equal(statSync(file).mode & 0o022, 0, 'settings.json is writable by its owner only');

    await p.reload();
    await byTestId(p, 'tab-settings').click();
    await byTestId(p, 'settings-log-mib').waitFor();
    assert.equal(await byTestId(p, 'settings-log-mib').inputValue(), '32', 'kept across a reload');

    await byTestId(p, 'settings-log-mib').fill('5000');
    await byTestId(p, 'settings-save').click();
    const error = byTestId(p, 'settings-error');
    await error.waitFor();
    assert.match(await error.innerText(), /serialLogMiB/);
    assert.match(await error.innerText(), /1024/);
    assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { serialLogMiB: number }).serialLogMiB, 32, 'the invalid value was not stored');

    assert.match(await byTestId(p, 'about-electron').innerText(), /not running in Electron/);
    assert.equal(await byTestId(p, 'about-node').innerText(), process.versions.node);
    assert.match(await byTestId(p, 'about-catalog').innerText(), /version \d+/);
  });

  it('the new settings, changed in the view, are stored and take effect (Console view, CLI, drives.list)', { timeout: 90_000 }, async () => {
    assert.ok(station && t, 'runs after the first test, on its station');
    const p = t.page;
    const state = join(base, 'state');
    const journals = join(base, 'journals');
    mkdirSync(journals);
    const call = async (name: string, input: object): Promise<Record<string, unknown>> => {
      const r = await fetch(`${station!.origin}/api/call/${name}`, { method: 'POST', body: JSON.stringify(input), headers: { authorization: `Bearer ${station!.token}` } });
      const body = (await r.json()) as { ok: boolean; result: Record<string, unknown> };
      assert.ok(body.ok, JSON.stringify(body));
      return body.result;
    };
    await p.reload();
    await byTestId(p, 'tab-settings').click();
    await byTestId(p, 'settings-default-baud').waitFor({ timeout: 30_000 });
    await byTestId(p, 'settings-journal-dir').fill(join(base, 'no-such-folder'));
    await byTestId(p, 'settings-save').click();
    const error = byTestId(p, 'settings-error');
    await error.waitFor();
    assert.match(await error.innerText(), /does not exist/);
    assert.match(await error.innerText(), /mkdir -p/);
    assert.equal((await call('settings.get', {})).journalDir, null, 'the refused location was not stored');

    await byTestId(p, 'settings-default-baud').fill('9600');
    await byTestId(p, 'settings-bench-iface').fill('wbtest7');
    await byTestId(p, 'settings-large-drive-gb').fill('32');
    await byTestId(p, 'settings-journal-dir').fill(journals);
    await byTestId(p, 'settings-save').click();
    await byTestId(p, 'settings-saved').waitFor();
    const stored = await call('settings.get', {});
    assert.deepEqual([stored.defaultBaud, stored.benchIface, stored.largeDriveBytes, stored.journalDir], [9600, 'wbtest7', 32e9, journals]);

    // Console view: the Open form starts at the default baud.
    await byTestId(p, 'tab-console').click();
    await p.waitForFunction(() => (document.querySelector('[data-testid="console-baud"]') as HTMLInputElement | null)?.value === '9600', undefined, { timeout: 10_000 });
    // CLI on the same state folder: bench without --iface uses the bench interface (none here by that name: it says so).
    const cli = spawnSync(process.execPath, [join(REPO, 'bin', 'walt-bench.js'), 'bench', '--observe'], { env: { ...process.env, WALT_BENCH_HOME: state }, encoding: 'utf8', timeout: 30_000 });
    assert.equal(cli.status, 1, cli.stderr);
    assert.match(cli.stderr, /no network interface "wbtest7"/);
    // The journal is read from the new location (empty there), and drives above 32 GB would need a confirmation.
    assert.deepEqual((await call('journal.list', {})).records, []);
    // The Boot check's desk link starts at the bench interface when this machine has it (one board and rack alike).
    const link = ((await call('bench.interfaces', {})) as unknown as { name: string }[])[0];
    assert.ok(link, 'this machine has a network interface besides loopback');
    await byTestId(p, 'tab-settings').click();
    await byTestId(p, 'settings-bench-iface').fill(link.name);
    await byTestId(p, 'settings-save').click();
    await byTestId(p, 'settings-saved').waitFor();
    await byTestId(p, 'tab-check').click();
    await p.waitForFunction((name) => (document.querySelector('[data-testid="check-iface"]') as HTMLSelectElement | null)?.value === name, link.name, { timeout: 10_000 });
    await byTestId(p, 'check-mode-switch-rack').click();
    await p.waitForFunction((name) => (document.querySelector('[data-testid="rack-iface"]') as HTMLSelectElement | null)?.value === name, link.name, { timeout: 10_000 });
  });
});
