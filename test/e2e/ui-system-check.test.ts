/**
 * The System check screen in a real Chromium against real `walt-bench station` processes: a station run as nobody
 * (setpriv --reuid=65534 --clear-groups) opens the screen by itself on the first run because checks fail, shows raw
 * disk access failed with its fix, and does not open it again once shown; a root station's screen, opened from the
 * settings menu, shows raw disk access ok. Screenshots at 1366x768 and 800x600 go to test-output/screenshots/.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CHROMIUM, openTestPage, type TestPage } from './support/browser.js';
import { startStationProcess, type StationProcess } from './support/station-process.js';

const REPO = join(__dirname, '..', '..');
const SHOTS = join(REPO, 'test-output', 'screenshots');
const SETPRIV = '/usr/bin/setpriv';
const missing = [
  !existsSync(CHROMIUM) && CHROMIUM,
  !existsSync(SETPRIV) && SETPRIV,
  process.getuid?.() !== 0 && 'root (to start a station as nobody and one as root)',
  !existsSync(join(REPO, 'dist', 'renderer', 'index.html')) && 'the built UI (npm run build:renderer)',
  !existsSync(join(REPO, 'dist', 'main', 'cli', 'main.js')) && 'the built backend',
].filter(Boolean);
const skip = missing.length > 0 ? `needs ${missing.join(', ')}` : false;
const byTestId = (p: Page, id: string) => p.locator(`[data-testid="${id}"]`);

/** Screenshots of the page at 1366x768 and 800x600. */
async function shots(p: Page, name: string): Promise<void> {
  for (const size of [{ width: 1366, height: 768 }, { width: 800, height: 600 }]) {
    await p.setViewportSize(size);
    await p.waitForTimeout(150);
    await p.screenshot({ path: join(SHOTS, `${name}-${size.width}.png`), fullPage: true });
  }
  await p.setViewportSize({ width: 1366, height: 768 });
}

describe('UI: System check', { skip }, () => {
  let base = '';
  const stations: StationProcess[] = [];
  const pages: TestPage[] = [];
  before(() => {
    base = mkdtempSync(join(tmpdir(), 'wb-ui-system-'));
    chmodSync(base, 0o755);
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    for (const t of pages) await t.browser.close().catch(() => undefined);
    for (const s of stations) await s.stop().catch(() => undefined);
    rmSync(base, { recursive: true, force: true });
  });

  it('a station as nobody: the screen opens by itself on the first run, raw disk access failed with its fix; not again after', { timeout: 90_000 }, async () => {
    const home = join(base, 'nobody');
    mkdirSync(home);
    chownSync(home, 65534, 65534);
    const station = await startStationProcess(REPO, { WALT_BENCH_HOME: join(home, 'state'), HOME: home }, [SETPRIV, '--reuid=65534', '--regid=65534', '--clear-groups']);
    stations.push(station);
    const t = await openTestPage({ width: 1366, height: 768 }, CHROMIUM, { firstRun: true });
    pages.push(t);
    const p = t.page;
    await p.goto(station.url);
    const raw = byTestId(p, 'system-check-raw-disk');
    await raw.waitFor({ timeout: 30_000 });
    assert.equal(await raw.getAttribute('data-state'), 'fail');
    const rawText = await raw.innerText();
    assert.match(rawText, /not root \(uid 65534\)/);
    assert.match(rawText, /Fix: run the CLI or the station as root \(sudo walt-bench \.\.\.\)/);
    assert.match(await byTestId(p, 'system-check-summary').innerText(), /\d+ failed, \d+ warnings?: each says what to do\. Checked as nobody \(uid 65534\) on the station\./);
    assert.equal(await p.locator('.system-check__item').count(), 11, 'every check is listed');
    assert.equal(await byTestId(p, 'system-check-state-folder').getAttribute('data-state'), 'ok');
    await shots(p, 'system-check-nobody');
    // the first run is over: a reload shows the Flash view, the screen stays one click away in the settings menu
    await p.reload();
    await byTestId(p, 'tab-flash').waitFor();
    await p.waitForTimeout(1500);
    assert.equal(await byTestId(p, 'system-check-view').count(), 0, 'not opened by itself twice');
    assert.deepEqual(t.errors, []);
  });

  it('a station as root: the settings menu opens the screen; raw disk access and the state folder are ok', { timeout: 90_000 }, async () => {
    const station = await startStationProcess(REPO, { WALT_BENCH_HOME: join(base, 'root-state') });
    stations.push(station);
    const t = await openTestPage({ width: 1366, height: 768 });
    pages.push(t);
    const p = t.page;
    await p.goto(station.url);
    await byTestId(p, 'settings-button').click();
    await byTestId(p, 'open-system-check').click();
    const raw = byTestId(p, 'system-check-raw-disk');
    await raw.waitFor({ timeout: 30_000 });
    assert.equal(await raw.getAttribute('data-state'), 'ok');
    assert.match(await raw.innerText(), /running as root: cards are written directly/);
    assert.equal(await byTestId(p, 'system-check-state-folder').getAttribute('data-state'), 'ok');
    assert.equal(await raw.locator('.system-check__fix').count(), 0, 'no fix when ok');
    await byTestId(p, 'system-check-rerun').click();
    await byTestId(p, 'system-check-rerun').filter({ hasText: 'Check again' }).waitFor();
    await shots(p, 'system-check-root');
    assert.deepEqual(t.errors, []);
  });
});
