/**
 * The Console view in a real Chromium against a real `walt-bench station`: a live QEMU U-Boot board (no network) is
 * opened by typing its pty path, its console shows in the xterm terminal and the boot timeline lights up live; keys
 * typed in the terminal reach U-Boot (stop autoboot, `echo hello-from-ui`) and come back; search finds them in the
 * scrollback; stopping the board shows the "adapter unplugged" banner; then a captured transcript opened with
 * "Analyze a log file" shows outcome tftp-not-found with its diagnosis. Screenshots go to test-output/screenshots/.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { CHROMIUM, openTestPage } from './support/browser.js';
import { startUbootBoard, ubootBoardAvailable, type UbootBoard } from '../support/qemu-uboot.js';
import { startStationProcess, type StationProcess } from './support/station-process.js';

const REPO = join(__dirname, '..', '..');
const SHOTS = join(REPO, 'test-output', 'screenshots');
const TRANSCRIPT = join(REPO, '..', 'shared', 'bootlogs', '25-am335x-devkit8600-uboot2011-bootp-tftp-file-not-found.log');

const missing = [
  !ubootBoardAvailable() && 'qemu-system-aarch64, u-boot-qemu and u-boot-tools',
  !existsSync(CHROMIUM) && CHROMIUM,
  !existsSync(TRANSCRIPT) && TRANSCRIPT,
  !existsSync(join(REPO, 'dist', 'renderer', 'index.html')) && 'the built UI (npm run build:renderer)',
  !existsSync(join(REPO, 'dist', 'main', 'cli', 'main.js')) && 'the built backend (npx tsc -p tsconfig.json)',
].filter(Boolean);

let home = '';
let station: StationProcess | null = null;
let board: UbootBoard | null = null;
let browser: Browser | null = null;
let page: Page | null = null;
let pageErrors: string[] = [];

const byTestId = (p: Page | Locator, id: string) => p.locator(`[data-testid="${id}"]`);

/** The text the terminal shows (xterm's DOM rows), one string per row. */
async function terminalRows(session: Locator): Promise<string[]> {
  const text = await session.locator('.xterm-rows').innerText();
  return text.replace(/\u00a0/g, ' ').split('\n').map((l) => l.trimEnd());
}

/** Waits until the terminal's rows satisfy `ok`. */
async function waitForTerminal(session: Locator, ok: (rows: string[]) => boolean, what: string, timeoutMs = 30_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await terminalRows(session);
    if (ok(rows)) return rows;
    if (Date.now() > deadline) throw new Error(`the terminal never showed ${what}; it shows:\n${rows.join('\n')}\nboard log:\n${board?.log() ?? ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  if (missing.length > 0) return;
  home = mkdtempSync(join(tmpdir(), 'wb-ui-console-'));
  mkdirSync(SHOTS, { recursive: true });
  station = await startStationProcess(REPO, { WALT_BENCH_HOME: join(home, 'state') });
  const opened = await openTestPage({ width: 1440, height: 900 });
  browser = opened.browser;
  page = opened.page;
  pageErrors = opened.errors;
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await board?.stop().catch(() => undefined);
  await station?.stop().catch(() => undefined);
  if (home) rmSync(home, { recursive: true, force: true });
});

test('UI: a live QEMU U-Boot console with its timeline, typed commands, then a captured log analyzed', { skip: missing.length > 0 ? `needs ${missing.join(', ')}` : false, timeout: 120_000 }, async () => {
  const p = page!;
  board = await startUbootBoard({ paused: true, env: { bootdelay: '2' } });
  await p.goto(station!.url);
  await byTestId(p, 'connection-state').filter({ hasText: 'connected' }).waitFor({ timeout: 15_000 });
  await byTestId(p, 'tab-console').click();
  await byTestId(p, 'console-view').waitFor();

  // a pty is never listed: type its path, open, and only then let the board run (no output lost)
  await byTestId(p, 'port-path').fill(board.pty);
  await byTestId(p, 'open-port').click();
  const session = p.locator(`[data-testid="console-session"][data-path="${board.pty}"]`);
  await session.waitFor({ timeout: 10_000 });
  await session.locator('.xterm-rows').waitFor();
  board.resume();

  // the banner on the terminal; the timeline lights up the power-on and bootloader rows
  await waitForTerminal(session, (rows) => rows.some((r) => /U-Boot \d{4}\.\d{2}/.test(r)), 'the U-Boot banner');
  const timeline = byTestId(session, 'live-timeline');
  await timeline.locator('[data-testid="stage-firmware"][data-state="done"]').waitFor({ timeout: 10_000 });
  assert.equal(await byTestId(timeline, 'stage-power').getAttribute('data-state'), 'done', 'power-on row lit');
  assert.match(await byTestId(timeline, 'stage-firmware').innerText(), /u-boot/i, 'the bootloader row names U-Boot');
  assert.match(await byTestId(timeline, 'stage-firmware').innerText(), /\+\d+\.\d+ s/, 'with its time since power-on');

  // keys typed in the terminal reach the board: stop autoboot, run a command, see it echoed and answered
  await session.locator('.xterm').click();
  await p.keyboard.press('Enter');
  await waitForTerminal(session, (rows) => rows.some((r) => r.startsWith('=>')), 'the U-Boot prompt');
  await p.keyboard.type('echo hello-from-ui');
  await p.keyboard.press('Enter');
  const rows = await waitForTerminal(session, (r) => r.some((x) => x.trim() === 'hello-from-ui'), 'the echo output');
  assert.ok(rows.some((r) => /^=> echo hello-from-ui$/.test(r.trim())), `the typed command echoed back by the board:\n${rows.join('\n')}`);

  // search in the scrollback (addon-search): the command line and its output
  await byTestId(session, 'search-input').fill('hello-from-ui');
  await byTestId(session, 'search-input').press('Enter');
  await byTestId(session, 'search-count').filter({ hasText: /of 2$/ }).waitFor({ timeout: 5_000 });
  await p.evaluate(() => window.scrollTo(0, 0));
  await p.screenshot({ path: join(SHOTS, 'console-live.png') });

  // the board goes away (its pty closes): the session says so
  await board.stop();
  board = null;
  await byTestId(session, 'unplugged-banner').waitFor({ timeout: 10_000 });
  assert.match(await byTestId(session, 'unplugged-banner').innerText(), /unplugged, waiting for it to come back/i);
  await p.evaluate(() => window.scrollTo(0, 0));
  await p.screenshot({ path: join(SHOTS, 'console-unplugged.png') });

  // a captured transcript opens read-only into the same timeline
  await byTestId(p, 'analyze-path').fill(TRANSCRIPT);
  await byTestId(p, 'analyze-button').click();
  const pane = p.locator('[data-testid="analysis-pane"]:visible');
  await pane.waitFor({ timeout: 10_000 });
  const outcome = byTestId(pane, 'verdict-outcome');
  assert.equal(await outcome.getAttribute('data-outcome'), 'tftp-not-found');
  assert.equal(await outcome.getAttribute('data-final'), 'true');
  assert.equal(await byTestId(pane, 'stage-transfer').getAttribute('data-state'), 'failed');
  assert.equal(await byTestId(pane, 'stage-dhcp').getAttribute('data-state'), 'done');
  const diagnosis = await byTestId(pane, 'stage-diagnosis').innerText();
  assert.match(diagnosis, /File not found/, diagnosis);
  assert.match(diagnosis, /uImage/, diagnosis);
  assert.match(await byTestId(pane, 'boot-file-uImage').innerText(), /File not found/);
  assert.match(await byTestId(pane, 'boot-facts').innerText(), /192\.168\.1\.6/);
  assert.match(await byTestId(pane, 'analysis-events').innerText(), /TFTP error: 'File not found'/);
  // the verdict's evidence: a click shows the deciding line in the log, highlighted
  await byTestId(pane, 'verdict-evidence').last().click();
  const focused = pane.locator('.event-log__row--focus');
  await focused.waitFor({ timeout: 5_000 });
  assert.match(await focused.innerText(), /TFTP error: 'File not found'/);
  await p.evaluate(() => window.scrollTo(0, 0));
  await p.screenshot({ path: join(SHOTS, 'console-analyze.png') });

  assert.deepEqual(pageErrors, [], 'no page errors and no CSP violations');
});
