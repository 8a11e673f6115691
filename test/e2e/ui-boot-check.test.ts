/**
 * The Boot check view in a real Chromium against a real `walt-bench station`, both inside a fresh network namespace
 * whose tap is the desk link, and a real U-Boot board (QEMU) on that tap: pick tap0, type the model, start, boot the
 * board, and read the verdict the technician reads: a pass whose last step had no console to watch says so, and the
 * steps are named, not numbered. Screenshots at 1366x768 and 800x600 go to test-output/screenshots/.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, openTestPage } from './support/browser.js';
import { createNetns, netnsAvailable, type NetNamespace } from '../support/netns.js';
import { startUbootBoard, ubootBoardAvailable, type UbootBoard } from '../support/qemu-uboot.js';
import { startStationProcess, type StationProcess } from './support/station-process.js';

const REPO = join(__dirname, '..', '..');
const SHOTS = join(REPO, 'test-output', 'screenshots');
const BOARD_VCI = 'walt.node.rpi-3-b-plus';
/** WalT's boot sequence in U-Boot's shell: fit-start.uboot first, start.uboot as the fallback, then run it. */
const WALT_BOOTCMD =
  'dhcp; if tftpboot ${scriptaddr} fit-start.uboot; then source ${scriptaddr}; ' +
  'else dhcp; tftpboot ${scriptaddr} start.uboot; source ${scriptaddr}; fi; poweroff';

const missing = [
  !netnsAvailable() && 'root and ip netns',
  !ubootBoardAvailable() && 'QEMU and U-Boot for qemu_arm64',
  !existsSync(CHROMIUM) && CHROMIUM,
  !existsSync(join(REPO, 'dist', 'renderer', 'index.html')) && 'the built UI (npm run build:renderer)',
  !existsSync(join(REPO, 'dist', 'main', 'cli', 'main.js')) && 'the built backend (npx tsc -p tsconfig.json)',
].filter(Boolean);
const skip = missing.length > 0 ? `needs ${missing.join(', ')}` : false;

let dir = '';
let ns: NetNamespace | null = null;
let station: StationProcess | null = null;
let browser: Browser | null = null;
let page: Page | null = null;
let board: UbootBoard | null = null;
let pageErrors: string[] = [];

const byTestId = (p: Page, id: string) => p.locator(`[data-testid="${id}"]`);
const WIDE = { width: 1366, height: 768 };
const NARROW = { width: 800, height: 600 };

/** Full-page screenshots at 1366x768 and 800x600, then back to 1366x768. */
async function shots(p: Page, name: string): Promise<void> {
  for (const size of [WIDE, NARROW]) {
    await p.setViewportSize(size);
    await p.waitForTimeout(200);
    await p.screenshot({ path: join(SHOTS, `${name}-${size.width}.png`), fullPage: true });
  }
  await p.setViewportSize(WIDE);
}

before(async () => {
  if (missing.length > 0) return;
  dir = mkdtempSync(join(tmpdir(), 'wb-ui-check-'));
  mkdirSync(SHOTS, { recursive: true });
  ns = createNetns({ noIpv6: true });
  station = await startStationProcess(REPO, { WALT_BENCH_HOME: join(dir, 'home') }, ns.wrap());
  // Chromium runs in the namespace too: the station's 127.0.0.1 is the namespace's loopback.
  const wrapper = join(dir, 'chromium-in-netns.sh');
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${ns.name} ${CHROMIUM} "$@"\n`);
  chmodSync(wrapper, 0o755);
  const opened = await openTestPage(WIDE, wrapper);
  browser = opened.browser;
  page = opened.page;
  pageErrors = opened.errors;
  await page.goto(station.url);
  await byTestId(page, 'connection-state').filter({ hasText: 'connected' }).waitFor({ timeout: 15_000 });
  await byTestId(page, 'tab-check').click();
  await byTestId(page, 'check-view').waitFor();
  await page.locator('[data-testid="check-iface"] option[value="tap0"]').waitFor({ state: 'attached', timeout: 10_000 });
});

after(async () => {
  await board?.stop().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await station?.stop().catch(() => undefined);
  ns?.remove();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Fills the setup (tap0, the model, serve probe scripts) and starts; resolves once the check waits for the board. */
async function startCheck(p: Page, model: string): Promise<void> {
  await byTestId(p, 'check-iface').selectOption('tap0');
  await byTestId(p, 'check-model').fill(model);
  await byTestId(p, 'check-mode-probe').check();
  await byTestId(p, 'check-timeout').fill('60');
  await byTestId(p, 'check-start').click();
  await byTestId(p, 'check-verdict').and(p.locator('[data-verdict="waiting"]')).waitFor();
  // the rogue-DHCP probe (~2 s) must be over before the board asks: Stop is enabled once check.start answered
  await byTestId(p, 'check-row-dhcp').waitFor({ timeout: 15_000 });
  await p.locator('[data-testid="check-start"]:has-text("Start check")').waitFor({ timeout: 15_000 });
}

async function bootBoard(): Promise<void> {
  board = await startUbootBoard({
    netns: ns!,
    env: { bootp_vci: BOARD_VCI, autoload: 'no', bootdelay: '0', bootcmd: WALT_BOOTCMD },
    noReboot: true,
  });
}

async function finalVerdict(p: Page): Promise<string> {
  const banner = p.locator('[data-testid="check-verdict"]:is([data-verdict="pass"], [data-verdict="fail"], [data-verdict="stopped"])');
  await banner.waitFor({ timeout: 60_000 });
  return (await banner.getAttribute('data-verdict')) ?? '';
}

test('UI boot check: a board sending walt.node.rpi-3-b-plus passes, fit-start.uboot not found then start.uboot fetched', { skip, timeout: 120_000 }, async () => {
  const p = page!;
  await startCheck(p, 'rpi-3-b-plus');
  await shots(p, 'boot-check-waiting');
  await bootBoard();
  const verdict = await finalVerdict(p);
  const diagnosis = await byTestId(p, 'check-verdict').innerText();
  assert.equal(verdict, 'pass', `verdict banner: ${diagnosis}\nstation:\n${station!.output()}`);

  // the checklist: the seed's steps with their evidence
  for (const id of ['dhcp', 'identity', 'fetch', 'transfer']) {
    assert.equal(await byTestId(p, `check-row-${id}`).getAttribute('data-state'), 'ok', `${id} is ok`);
  }
  assert.equal(await byTestId(p, 'check-row-run').getAttribute('data-state'), 'skipped', 'no serial port: "executes it" not watched');
  // the last step was not watched: not a plain PASS
  assert.equal(await p.locator('[data-testid="check-verdict"] .verdict__title').innerText(), 'PASS (script run not watched)');
  assert.equal(await byTestId(p, 'check-verdict').getAttribute('data-unwatched'), 'true');
  assert.match(diagnosis, /not watched: this check had no serial console/, diagnosis);
  // the steps are named (the guide's numbers are in the tooltip), not "0, 1·2, 3, 3, 4"
  const steps = await p.locator('[data-testid^="check-step-"]').evaluateAll((els) => els.map((e) => [e.textContent, e.getAttribute('title')]));
  assert.deepEqual(steps.map(([name]) => name), ['Link', 'Identity', 'Request', 'Download', 'Run']);
  for (const [name, title] of steps) assert.match(title ?? '', /WalT's guide/, `${name} explains its step`);
  assert.match(await byTestId(p, 'check-evidence-identity').innerText(), /walt\.node\.rpi-3-b-plus/);
  assert.match(await byTestId(p, 'check-vci').innerText(), /walt\.node\.rpi-3-b-plus/);
  assert.match(await byTestId(p, 'check-next').innerText(), /waltplatform\/rpi-3-b-plus-default:latest/);

  // the files, in order: fit-start.uboot not found, then start.uboot fetched
  const files = byTestId(p, 'check-file');
  const seen = await files.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-file')}:${e.getAttribute('data-result')}`));
  assert.deepEqual(seen, ['fit-start.uboot:not-found', 'start.uboot:complete']);
  await p.locator('[data-testid="tftp-row"][data-file="start.uboot"][data-result="complete"]').waitFor();
  await p.locator('[data-testid="tftp-row"][data-file="fit-start.uboot"][data-result="not-found"]').waitFor();

  // the DHCP clients on the link: the board's DISCOVER with its VCI and arch, answered
  const discover = p.locator('[data-testid="dhcp-row"][data-direction="client"]', { hasText: 'DISCOVER' }).first();
  const row = await discover.innerText();
  assert.match(row, /52:54:00:12:34:56/);
  assert.match(row, /walt\.node\.rpi-3-b-plus/);
  assert.match(row, /arm64 U-Boot/);
  assert.match(row, /answered/);

  await p.locator('.checklist__spinner').waitFor({ state: 'detached' });
  await shots(p, 'boot-check-pass');
  await board!.stop();
  board = null;
  assert.deepEqual(pageErrors, []);
});

test('UI boot check: the same board checked as rpi-4-b fails, naming both models', { skip, timeout: 120_000 }, async () => {
  const p = page!;
  await startCheck(p, 'rpi-4-b');
  // the previous check's link activity is cleared for the new one
  assert.equal(await byTestId(p, 'check-file').count(), 0);
  await bootBoard();
  assert.equal(await finalVerdict(p), 'fail');
  const diagnosis = await byTestId(p, 'check-diagnosis').innerText();
  assert.match(diagnosis, /rpi-3-b-plus/, diagnosis);
  assert.match(diagnosis, /rpi-4-b/, diagnosis);
  assert.equal(await byTestId(p, 'check-row-dhcp').getAttribute('data-state'), 'ok');
  assert.equal(await byTestId(p, 'check-row-identity').getAttribute('data-state'), 'failed');
  assert.match(await byTestId(p, 'check-evidence-identity').innerText(), /rpi-3-b-plus/);
  const discover = p.locator('[data-testid="dhcp-row"][data-direction="client"]', { hasText: BOARD_VCI }).first();
  await discover.waitFor();
  assert.equal(await byTestId(p, 'check-next').count(), 0, 'no next steps on a fail');
  await p.waitForTimeout(300);
  assert.equal(await p.locator('[data-testid="check-verdict"] .verdict__title').innerText(), 'FAIL');
  await shots(p, 'boot-check-fail');
  await board!.stop();
  board = null;
  assert.deepEqual(pageErrors, []);
});
