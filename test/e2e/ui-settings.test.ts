/**
 * The Settings view in a real Chromium against a real `walt-bench station`: a setting changed is kept across a
 * reload (stored in the station's state folder, mode 0644 at most), an invalid one is refused with the reason, and
 * the About panel shows the versions (Electron: not running in Electron).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
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
});
