/**
 * The card tools of the Flash view in a real Chromium against a real `walt-bench station`: "Prepare a board" says
 * what a Pi 4 needs and why; "Inspect card" reads a used recovery card image and rearms it. Screenshots go to
 * test-output/screenshots/.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, openTestPage } from './support/browser.js';
import { makeArchive, recoveryFiles } from '../support/card-archives.js';
import { startStationProcess, type StationProcess } from './support/station-process.js';

const REPO = join(__dirname, '..', '..');
const SHOTS = join(REPO, 'test-output', 'screenshots');
const missing = [
  !existsSync(CHROMIUM) && CHROMIUM,
  !existsSync(join(REPO, 'dist', 'renderer', 'index.html')) && 'the built UI (npm run build:renderer)',
  !existsSync(join(REPO, 'dist', 'main', 'cli', 'main.js')) && 'the built backend',
].filter(Boolean);

let home = '';
let image = '';
let station: StationProcess | null = null;
let browser: Browser | null = null;
let page: Page | null = null;
let pageErrors: string[] = [];
const byTestId = (p: Page, id: string) => p.locator(`[data-testid="${id}"]`);

before(async () => {
  if (missing.length > 0) return;
  home = mkdtempSync(join(tmpdir(), 'wb-ui-cards-'));
  mkdirSync(SHOTS, { recursive: true });
  const archive = makeArchive(home, 'rpi-4-sd-recovery.tar.gz', recoveryFiles(4));
  image = join(home, 'recovery-card.img');
  execFileSync(process.execPath, [join(REPO, 'bin', 'walt-bench.js'), 'card', 'build', archive, '-o', image], {
    env: { ...process.env, WALT_BENCH_HOME: join(home, 'state') },
  });
  execFileSync('mren', ['-i', `${image}@@4M`, '::recovery.bin', '::RECOVERY.000']);
  station = await startStationProcess(REPO, { WALT_BENCH_HOME: join(home, 'state'), WALT_BENCH_VIRTUAL_DRIVES: '1' });
  const opened = await openTestPage({ width: 1360, height: 1400 });
  browser = opened.browser;
  page = opened.page;
  pageErrors = opened.errors;
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await station?.stop().catch(() => undefined);
  if (home) rmSync(home, { recursive: true, force: true });
});

test('UI: prepare a Pi 4 (recovery card once, then no card); inspect a used recovery card and rearm it', { skip: missing.length > 0 ? `needs ${missing.join(', ')}` : false, timeout: 120_000 }, async () => {
  const p = page!;
  await p.goto(station!.url);
  await byTestId(p, 'prepare-board').waitFor({ timeout: 20_000 });
  await byTestId(p, 'prepare-model').selectOption('rpi-4-b');
  const plan = byTestId(p, 'prepare-plan');
  await plan.waitFor();
  const planText = await plan.innerText();
  assert.match(planText, /rpi-4-sd-recovery\.tar\.gz/);
  assert.match(planText, /used once \(EEPROM recovery\), then no card/);
  assert.match(planText, /BOOT_ORDER=0xf12/);
  await byTestId(p, 'prepare-download').waitFor();
  await byTestId(p, 'prepare-model').selectOption('pc-x86-64');
  assert.match(await plan.innerText(), /pc-usb\.dd\.gz on a USB stick/);
  await byTestId(p, 'prepare-model').selectOption('rpi-4-b');

  await byTestId(p, 'inspect-path').fill(image);
  await byTestId(p, 'inspect-run').click();
  await byTestId(p, 'inspect-report').waitFor();
  assert.match(await byTestId(p, 'inspect-artifact').innerText(), /rpi-4-recovery/);
  assert.match(await byTestId(p, 'inspect-recovery').innerText(), /renamed RECOVERY\.000/);
  await p.screenshot({ path: join(SHOTS, 'cards-prepare-and-inspect.png'), fullPage: true });
  await byTestId(p, 'inspect-rearm').click();
  await byTestId(p, 'inspect-recovery').filter({ hasText: 'recovery.bin in place' }).waitFor({ timeout: 10_000 });
  await p.screenshot({ path: join(SHOTS, 'cards-rearmed.png'), fullPage: true });
  assert.match(execFileSync('mdir', ['-i', `${image}@@4M`, '::'], { encoding: 'utf8' }), /recovery\s+bin/i);
  assert.deepEqual(pageErrors, []);
});
