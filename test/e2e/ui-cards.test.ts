/**
 * The card tools of the Flash view in a real Chromium against a real `walt-bench station`: "Prepare a board" says
 * what a Pi 4 needs and why, and a download on this offline machine fails inside the panel (on screen at 1366x768)
 * saying what failed and what to do; "Inspect card" reads a used recovery card image and rearms it, and a rearm the
 * system refuses (an immutable image: EPERM) says so instead of "check the path". Screenshots at 1366x768 and 800x600
 * go to test-output/screenshots/.
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
const WIDE = { width: 1366, height: 768 };
const NARROW = { width: 800, height: 600 };

/** Screenshots of the page now, at 1366x768 and 800x600, with `focus` scrolled into view at each size. */
async function shots(p: Page, name: string, focus: string): Promise<void> {
  for (const size of [WIDE, NARROW]) {
    await p.setViewportSize(size);
    await byTestId(p, focus).scrollIntoViewIfNeeded();
    await p.waitForTimeout(150);
    await p.screenshot({ path: join(SHOTS, `${name}-${size.width}.png`) });
  }
  await p.setViewportSize(WIDE);
}

/** True when the element's box comes to lie within the viewport (the page brings it into view), nothing scrolled by the test. */
// Within the viewport, give or take a pixel (scrollIntoView aligns fractional boxes to the edge).
async function onScreen(p: Page, id: string): Promise<boolean> {
  const view = p.viewportSize()!;
  for (let i = 0; i < 20; i += 1) {
    const box = await byTestId(p, id).boundingBox();
    if (box !== null && box.y >= -1 && box.y + box.height <= view.height + 1 && box.x >= -1 && box.x + box.width <= view.width + 1) return true;
    await p.waitForTimeout(100);
  }
  return false;
}

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
  const opened = await openTestPage(WIDE);
  browser = opened.browser;
  page = opened.page;
  pageErrors = opened.errors;
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await station?.stop().catch(() => undefined);
  if (image) execFileSync('chattr', ['-i', image], { stdio: 'ignore' });
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
  assert.match(planText, /cards you select in step 2/, 'the cards are step 2, above the panel: not "the cards below"');
  assert.doesNotMatch(planText, /below/);
  await byTestId(p, 'prepare-download').waitFor();

  // this machine is offline: the download fails in the panel, on screen, naming the host and what to do
  await byTestId(p, 'prepare-download').click();
  const error = byTestId(p, 'prepare-error');
  await error.waitFor({ timeout: 60_000 });
  const errorText = await error.innerText();
  assert.match(errorText, /^Cannot download rpi-4-sd-recovery\.tar\.gz: walt-project\.liglab\.fr cannot be resolved \(E\w+\): this station has no network or no DNS/m, errorText);
  assert.match(errorText, /on a machine with internet access, download https:\/\/walt-project\.liglab\.fr\/\S+rpi-4-sd-recovery\.tar\.gz, copy it to this station and choose it as the image/, errorText);
  assert.doesNotMatch(errorText, /Invalid status code|undefined/);
  assert.ok(await onScreen(p, 'prepare-error'), 'the error is on screen where the button was pressed');
  assert.equal(await byTestId(p, 'error-panel').count(), 0, 'nothing at the top of the page');
  await shots(p, 'cards-download-offline', 'prepare-error');
  await byTestId(p, 'prepare-model').selectOption('pc-x86-64');
  assert.equal(await error.count(), 0, 'another model clears the error');
  assert.match(await plan.innerText(), /pc-usb\.dd\.gz on a USB stick/);
  await byTestId(p, 'prepare-model').selectOption('rpi-4-b');

  await byTestId(p, 'inspect-path').fill(image);
  await byTestId(p, 'inspect-run').click();
  await byTestId(p, 'inspect-report').waitFor();
  assert.match(await byTestId(p, 'inspect-artifact').innerText(), /rpi-4-recovery/);
  assert.match(await byTestId(p, 'inspect-recovery').innerText(), /renamed RECOVERY\.000/);
  await shots(p, 'cards-inspect', 'inspect-report');

  // a rearm the system refuses (the image is immutable: EPERM even for root): the cause and the right fix. Making a
  // file immutable needs root (CAP_LINUX_IMMUTABLE): as a normal user this part is left out.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    execFileSync('chattr', ['+i', image]);
    await byTestId(p, 'inspect-rearm').click();
    const refused = byTestId(p, 'inspect-error');
    await refused.waitFor({ timeout: 10_000 });
    const refusedText = await refused.innerText();
    assert.match(refusedText, /Cannot rearm the card: .*recovery-card\.img: cannot open \(EPERM\)/, refusedText);
    assert.match(refusedText, /immutable \(lsattr shows "i"; chattr -i /, refusedText);
    assert.doesNotMatch(refusedText, /check the path/);
    assert.ok(await onScreen(p, 'inspect-error'), 'the error is on screen, in the Inspect panel');
    await shots(p, 'cards-rearm-eperm', 'inspect-error');
    execFileSync('chattr', ['-i', image]);
  }
  await byTestId(p, 'inspect-rearm').click();
  await byTestId(p, 'inspect-recovery').filter({ hasText: 'recovery.bin in place' }).waitFor({ timeout: 10_000 });
  assert.equal(await byTestId(p, 'inspect-error').count(), 0, 'the rearm that worked cleared the error');
  await shots(p, 'cards-rearmed', 'inspect-report');
  assert.match(execFileSync('mdir', ['-i', `${image}@@4M`, '::'], { encoding: 'utf8' }), /recovery\s+bin/i);
  // the refused commands (the offline download, the EPERM rearm as root) are the browser's only complaints
  const complaints = pageErrors.filter((e) => /Failed to load resource: the server responded with a status of [45]\d\d/.test(e));
  assert.equal(complaints.length, asRoot ? 2 : 1, pageErrors.join('\n'));
  assert.deepEqual(pageErrors.filter((e) => !complaints.includes(e)), []);
});
