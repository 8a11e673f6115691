/**
 * The Console view in a real Chromium against a real `walt-bench station`: a live QEMU U-Boot board (no network) is
 * opened by typing its pty path, its console shows in the xterm terminal and the boot timeline lights up live; keys
 * typed in the terminal reach U-Boot (stop autoboot, `echo hello-from-ui`) and come back; search finds them in the
 * scrollback; stopping the board shows the "adapter unplugged" banner; then a captured transcript opened with
 * "Analyze a log file" shows outcome tftp-not-found with its diagnosis; a second transcript shows its whole text
 * (every line, the recognised ones marked), and the model expected for one analysis does not carry to the next.
 * The terminal fills its pane. Screenshots at 1366x768 and 800x600 go to test-output/screenshots/.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { analyzeLog } from '../../src-main/core/boot/analyzer.js';
import { CHROMIUM, openTestPage } from './support/browser.js';
import { startUbootBoard, ubootBoardAvailable, type UbootBoard } from '../support/qemu-uboot.js';
import { startStationProcess, type StationProcess } from './support/station-process.js';

const REPO = join(__dirname, '..', '..');
const SHOTS = join(REPO, 'test-output', 'screenshots');
const TRANSCRIPT = join(REPO, '..', 'shared', 'bootlogs', '25-am335x-devkit8600-uboot2011-bootp-tftp-file-not-found.log');
/** 61 lines, a minority of them boot lines the analyzer recognises. */
const LONG_TRANSCRIPT = join(REPO, '..', 'shared', 'bootlogs', '12-rpi3bplus-uboot-bootscr-dhcp-file-not-found-then-tftp-ok.log');
const WIDE = { width: 1366, height: 768 };
const NARROW = { width: 800, height: 600 };

/** Screenshots at 1366x768 and 800x600 (the page at its top, or `focus` scrolled into view), then back to 1366x768. */
async function shots(p: Page, name: string, focus?: Locator): Promise<void> {
  for (const size of [WIDE, NARROW]) {
    await p.setViewportSize(size);
    await p.waitForTimeout(300);
    if (focus) await focus.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    else await p.evaluate(() => window.scrollTo(0, 0));
    await p.screenshot({ path: join(SHOTS, `${name}-${size.width}.png`) });
  }
  await p.setViewportSize(WIDE);
  await p.waitForTimeout(300);
}

const missing = [
  !ubootBoardAvailable() && 'qemu-system-aarch64, u-boot-qemu and u-boot-tools',
  !existsSync(CHROMIUM) && CHROMIUM,
  !existsSync(TRANSCRIPT) && TRANSCRIPT,
  !existsSync(LONG_TRANSCRIPT) && LONG_TRANSCRIPT,
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
  const opened = await openTestPage(WIDE);
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
  // a long autoboot countdown: the board stays quiet on its banner until a key stops it, so the autoboot's output
  // (and the timeline rows it lights, which resize the terminal) never moves the line the test selects out of view
  board = await startUbootBoard({ paused: true, env: { bootdelay: '30' } });
  await p.goto(station!.url);
  await byTestId(p, 'connection-state').filter({ hasText: 'connected' }).waitFor({ timeout: 15_000 });
  await byTestId(p, 'tab-console').click();
  await byTestId(p, 'console-view').waitFor();

  // a pty is never listed: type its path, open, and only then let the board run (no output lost)
  await byTestId(p, 'port-path').fill(board.pty);
  await byTestId(p, 'open-port').click();
  const session = p.locator(`[data-testid="console-session"][data-path="${board.pty}"]`);
  await session.waitFor({ timeout: 20_000 });
  await session.locator('.xterm-rows').waitFor();
  board.resume();

  // the banner on the terminal; the timeline lights up the power-on and bootloader rows
  await waitForTerminal(session, (rows) => rows.some((r) => /U-Boot \d{4}\.\d{2}/.test(r)), 'the U-Boot banner');
  const timeline = byTestId(session, 'live-timeline');
  await timeline.locator('[data-testid="stage-firmware"][data-state="done"]').waitFor({ timeout: 10_000 });
  assert.equal(await byTestId(timeline, 'stage-power').getAttribute('data-state'), 'done', 'power-on row lit');
  assert.match(await byTestId(timeline, 'stage-firmware').innerText(), /u-boot/i, 'the bootloader row names U-Boot');
  assert.match(await byTestId(timeline, 'stage-firmware').innerText(), /\+\d+\.\d+ s/, 'with its time since power-on');

  // the bootloader row's line, clicked in the live timeline: the live terminal scrolls to it and selects it
  await byTestId(timeline, 'stage-firmware-line').click();
  await byTestId(session, 'console-note').filter({ hasText: /^Line \d+, selected in the terminal\.$/ }).waitFor({ timeout: 5_000 });
  // xterm paints the selection on its next animation frame, so wait for the painted rows rather than read them at once
  const painted = await session.locator('.xterm-selection div').first().waitFor({ timeout: 5_000 }).then(() => true, () => false);
  assert.ok(painted, 'the line is highlighted in the terminal');
  // the terminal changes its row count (a taller window here; the timeline growing beside it during a boot does the
  // same), which makes xterm drop its selection: the chosen line is selected again
  const rowCount = (): Promise<number> => session.locator('.xterm-rows > div').count();
  const rowsBefore = await rowCount();
  await p.setViewportSize({ ...WIDE, height: WIDE.height + 600 });
  for (const until = Date.now() + 10_000; (await rowCount()) === rowsBefore; ) {
    assert.ok(Date.now() < until, `the terminal kept its ${rowsBefore} rows in a taller window`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const repainted = await session.locator('.xterm-selection div').first().waitFor({ timeout: 5_000 }).then(() => true, () => false);
  assert.ok(repainted, `the line is still highlighted after the terminal went from ${rowsBefore} to ${await rowCount()} rows`);
  await p.setViewportSize(WIDE);

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
  // the terminal fills its pane: the xterm screen takes the host's height and width, less than one row and the padding
  const fill = await session.evaluate((el) => {
    const host = el.querySelector<HTMLElement>('.console-terminal')!.getBoundingClientRect();
    const screen = el.querySelector<HTMLElement>('.xterm-screen')!.getBoundingClientRect();
    const row = el.querySelector<HTMLElement>('.xterm-rows > div')!.getBoundingClientRect().height;
    const side = el.querySelector<HTMLElement>('.console-session__side')?.getBoundingClientRect() ?? null;
    const main = el.querySelector<HTMLElement>('.console-session__main')!.getBoundingClientRect();
    return { hostH: host.height, hostW: host.width, screenH: screen.height, screenW: screen.width, row, mainBottom: main.bottom, sideBottom: side?.bottom ?? null, top: main.top };
  });
  assert.ok(fill.hostH - fill.screenH < fill.row + 16, `terminal rows leave ${fill.hostH - fill.screenH} px empty (row ${fill.row} px)`);
  assert.ok(fill.hostW - fill.screenW < 40, `terminal columns leave ${fill.hostW - fill.screenW} px empty`);
  if (fill.sideBottom !== null) assert.ok(Math.abs(fill.mainBottom - fill.sideBottom) < 4 || fill.mainBottom >= fill.sideBottom, `the terminal column ends ${fill.sideBottom - fill.mainBottom} px above the timeline`);
  await shots(p, 'console-live');

  // the board goes away (its pty closes): the session says so
  await board.stop();
  board = null;
  await byTestId(session, 'unplugged-banner').waitFor({ timeout: 10_000 });
  assert.match(await byTestId(session, 'unplugged-banner').innerText(), /unplugged, waiting for it to come back/i);
  await shots(p, 'console-unplugged');

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
  // the whole text is shown, the recognised lines marked; the focused line is one of the whole text
  assert.equal(await focused.getAttribute('data-recognised'), 'true');
  await shots(p, 'console-analyze', pane);

  // a second log, with a model expected for it alone
  await byTestId(p, 'analyze-path').fill(LONG_TRANSCRIPT);
  await byTestId(p, 'analyze-expect').fill('rpi-4-b');
  await byTestId(p, 'analyze-button').click();
  const long = p.locator(`[data-testid="analysis-pane"][data-path="${LONG_TRANSCRIPT}"]:visible`);
  await long.waitFor({ timeout: 10_000 });
  const expected = analyzeLog(readFileSync(LONG_TRANSCRIPT));
  const marked = new Set(expected.events.filter((e) => e.kind !== 'tftp-progress').map((e) => e.line)).size;
  assert.equal(expected.verdict.lines, 61);
  assert.ok(marked > 5 && marked < 40, `${marked} recognised lines`);
  const rowsOf = long.locator('[data-testid="analysis-events"] [role="listitem"]');
  assert.equal(await rowsOf.count(), 61, 'every line of the log is shown');
  assert.equal(await long.locator('[data-testid="analysis-events"] [data-recognised="true"]').count(), marked, 'the recognised lines are marked');
  assert.deepEqual(await rowsOf.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-line')))), Array.from({ length: 61 }, (_, i) => i + 1));
  assert.equal(await byTestId(long, 'analysis-line-count').innerText(), `61 lines · ${marked} recognised`);
  // a plain (unrecognised) line is there with its text, as in the file
  const fileLines = readFileSync(LONG_TRANSCRIPT, 'utf8').split('\n');
  const plain = long.locator('[data-testid="analysis-events"] [data-recognised="false"]').first();
  const plainLine = Number(await plain.getAttribute('data-line'));
  assert.equal((await plain.locator('.event-log__text').innerText()).trim(), fileLines[plainLine - 1]!.replace(/\r$/, '').trim());
  // the expected model: this analysis names it, and says which part is unknown
  assert.equal(await byTestId(long, 'analysis-expect').innerText(), 'expected rpi-4-b');
  const facts = await byTestId(long, 'boot-facts').innerText();
  assert.match(facts, /Model\s+expected rpi-4-b; the board did not report its model \(no probe script line in the log\)/, facts);
  assert.doesNotMatch(facts, /\?/);
  // clicking a stage's line scrolls the whole text to it, highlighted
  const dhcpLine = byTestId(long, 'stage-dhcp-line');
  const lineNo = Number(/line (\d+)/.exec(await dhcpLine.innerText())![1]);
  await dhcpLine.click();
  const focus = long.locator('.event-log__row--focus');
  await focus.waitFor();
  assert.equal(Number(await focus.getAttribute('data-line')), lineNo);
  const inView = await focus.evaluate((row) => {
    const box = row.getBoundingClientRect();
    const list = row.closest('.event-log')!.getBoundingClientRect();
    return box.top >= list.top && box.bottom <= list.bottom;
  });
  assert.ok(inView, 'the focused line is scrolled into the log view');
  await shots(p, 'console-analyze-whole-text', long);
  // "recognised lines only" narrows the text to the marked lines
  await byTestId(long, 'analysis-only-marked').check();
  assert.equal(await rowsOf.count(), marked);
  await byTestId(long, 'analysis-only-marked').uncheck();

  // the expected model does not leak into the next analysis: the field is cleared, the first log again expects none
  assert.equal(await byTestId(p, 'analyze-expect').inputValue(), '');
  await byTestId(p, 'analyze-path').fill(TRANSCRIPT);
  await byTestId(p, 'analyze-button').click();
  const third = p.locator('[data-testid="analysis-pane"]:visible');
  await third.locator('[data-testid="verdict-outcome"][data-outcome="tftp-not-found"]').waitFor({ timeout: 10_000 });
  assert.equal(await third.getAttribute('data-path'), TRANSCRIPT);
  assert.equal(await byTestId(third, 'analysis-expect').count(), 0, 'no expected model on the next analysis');
  assert.doesNotMatch(await byTestId(third, 'boot-facts').innerText(), /rpi-4-b|expected/);

  assert.deepEqual(pageErrors, [], 'no page errors and no CSP violations');
});
