/**
 * The Flash view in a real Chromium against a real `walt-bench station` and real zram "cards": pick an image through
 * the file dialog, see a hot-added card appear live, select two cards, flash, confirm, watch the progress, see both
 * succeed, and find the image's bytes on both cards. Then what is known before flashing (a too-small card marked
 * from a .gz's size, a truncated .gz refused, a tiny .txt warned, the file dialog by keyboard, one unit for a
 * card's size), a per-card cancel that asks first and its journal row, and a header on one line at 800 px.
 * Screenshots at 1366x768 and 800x600 go to test-output/screenshots/.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Locator, Page } from 'playwright-core';
import { formatBytes } from '../../src-main/core/util/format.js';
import { CHROMIUM, openTestPage } from './support/browser.js';
import { createZramCard, readHead, zramAvailable, type ZramCard } from '../support/zram.js';
import { blkioAvailable, createBlkioGroup, type BlkioGroup } from '../support/blkio-group.js';
import { startStationProcess, type StationProcess } from './support/station-process.js';

const REPO = join(__dirname, '..', '..');
const SHOTS = join(REPO, 'test-output', 'screenshots');
const MiB = 1024 * 1024;
const IMAGE_SIZE = 8 * MiB;
const WIDE = { width: 1366, height: 768 };
const NARROW = { width: 800, height: 600 };

/** Screenshots of what the page shows now, at 1366x768 and at 800x600 (then back), with `focus` scrolled into view. */
async function shots(p: Page, name: string, focus?: Locator): Promise<void> {
  for (const size of [WIDE, NARROW]) {
    await p.setViewportSize(size);
    await p.waitForTimeout(150);
    if (focus) await focus.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await p.screenshot({ path: join(SHOTS, `${name}-${size.width}.png`) });
  }
  await p.setViewportSize(WIDE);
  await p.waitForTimeout(150);
}

const missing = [
  !zramAvailable() && 'root and zram',
  !existsSync(CHROMIUM) && CHROMIUM,
  !existsSync(join(REPO, 'dist', 'renderer', 'index.html')) && 'the built UI (npm run build:renderer)',
  !existsSync(join(REPO, 'dist', 'main', 'cli', 'main.js')) && 'the built backend (npx tsc -p tsconfig.json)',
].filter(Boolean);

let home = '';
let imagePath = '';
let image: Buffer = Buffer.alloc(0);
const cards: ZramCard[] = [];
let group: BlkioGroup | null = null;
let station: StationProcess | null = null;
let browser: Browser | null = null;
let page: Page | null = null;
let pageErrors: string[] = [];

/** "/dev/zram3" -> "zram3", as in the UI's test ids. */
const base = (device: string): string => device.replace('/dev/', '');
const byTestId = (p: Page, id: string) => p.locator(`[data-testid="${id}"]`);

before(async () => {
  if (missing.length > 0) return;
  home = mkdtempSync(join(tmpdir(), 'wb-ui-flash-'));
  mkdirSync(SHOTS, { recursive: true });
  image = randomBytes(IMAGE_SIZE);
  mkdirSync(join(home, 'images'));
  imagePath = join(home, 'images', 'walt-test-image.img');
  writeFileSync(imagePath, image);

  cards.push(createZramCard(64 * MiB));
  if (blkioAvailable()) {
    // a real card's pace (3 MB/s) so the progress can be seen and photographed; verification reads are not throttled
    group = createBlkioGroup(`walt-bench-ui-${process.pid}`);
    group.throttle(cards[0]!.device, 3_000_000);
  }
  station = await startStationProcess(REPO, { WALT_BENCH_HOME: join(home, 'state'), WALT_BENCH_VIRTUAL_DRIVES: '1' });
  group?.addProcess(station.pid);

  const opened = await openTestPage(WIDE);
  browser = opened.browser;
  page = opened.page;
  pageErrors = opened.errors;
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await station?.stop().catch(() => undefined);
  group?.remove();
  for (const c of cards) {
    try {
      c.remove();
    } catch (e) {
      console.error(`could not remove ${c.device}:`, e);
    }
  }
  if (home) rmSync(home, { recursive: true, force: true });
});

test('UI: pick an image, select two zram cards, flash, both verified and equal to the image', { skip: missing.length > 0 ? `needs ${missing.join(', ')}` : false, timeout: 180_000 }, async () => {
  const p = page!;
  const [cardA] = cards;
  await p.goto(station!.url);
  // the token (in the fragment) went into sessionStorage: it is no longer in the address bar
  assert.ok(!p.url().includes('token='), `token left in the address bar: ${p.url()}`);

  // a card present at start is listed
  await byTestId(p, `drive-row-${base(cardA!.device)}`).waitFor({ timeout: 20_000 });
  await byTestId(p, 'connection-state').filter({ hasText: 'connected' }).waitFor({ timeout: 10_000 });

  // a card inserted while the page is open appears live, highlighted
  const cardB = createZramCard(64 * MiB);
  cards.push(cardB);
  group?.throttle(cardB.device, 5_000_000);
  const rowB = byTestId(p, `drive-row-${base(cardB.device)}`);
  await rowB.waitFor({ timeout: 20_000 });
  assert.match((await rowB.getAttribute('class')) ?? '', /drive--fresh/, 'a hot-added card is highlighted');

  // image through the file dialog: type the path, Enter
  await byTestId(p, 'choose-image').click();
  const dialog = byTestId(p, 'file-dialog');
  await dialog.waitFor();
  await byTestId(p, 'file-path-input').fill(join(home, 'images') + '/');
  await byTestId(p, 'file-path-input').press('Enter');
  await byTestId(p, 'file-entry-walt-test-image.img').waitFor();
  await shots(p, 'file-dialog');
  await byTestId(p, 'file-path-input').fill(imagePath);
  await byTestId(p, 'file-path-input').press('Enter');
  await dialog.waitFor({ state: 'detached' });
  const info = byTestId(p, 'image-info');
  await info.waitFor();
  assert.match(await byTestId(p, 'image-name').innerText(), /walt-test-image\.img/);
  assert.match(await byTestId(p, 'image-size').innerText(), /8\.0 MiB/);

  // both cards are targets for this image; select them
  for (const c of [cardA!, cardB]) {
    const row = byTestId(p, `drive-row-${base(c.device)}`);
    assert.equal(await row.getAttribute('data-eligible'), 'true', `${c.device} is a target`);
    await byTestId(p, `drive-checkbox-${base(c.device)}`).check();
  }
  await byTestId(p, 'selected-count').filter({ hasText: /^2 of/ }).waitFor();
  const flash = byTestId(p, 'flash-button');
  assert.equal(await flash.innerText(), 'Flash 2 cards');
  assert.ok(await byTestId(p, 'verify-checkbox').isChecked(), 'verification is on by default');
  // how the image is written: its blocks in use by default; a bmap needs its file named; every byte is chosen here
  assert.ok(await byTestId(p, 'write-sparse').isChecked(), 'sparse by default');
  await byTestId(p, 'write-bmap').check();
  await byTestId(p, 'write-bmap-path').waitFor();
  assert.equal(await flash.isDisabled(), true, 'no bmap named yet');
  assert.match(await p.locator('#flash-missing').innerText(), /Name the bmap file/);
  await byTestId(p, 'write-full').check();
  assert.equal(await byTestId(p, 'write-bmap-path').count(), 0);
  assert.equal(await flash.isDisabled(), false);
  await shots(p, 'flash-drives');

  // the confirmation lists what will be erased
  await flash.click();
  const confirm = byTestId(p, 'confirm-dialog');
  await confirm.waitFor();
  const confirmText = await confirm.innerText();
  for (const c of [cardA!, cardB]) assert.ok(confirmText.includes(c.device), `confirmation names ${c.device}`);
  await shots(p, 'flash-confirm');
  await byTestId(p, 'confirm-flash').click();

  // per-card progress
  await byTestId(p, 'session-panel').waitFor({ timeout: 20_000 });
  for (const c of [cardA!, cardB]) await byTestId(p, `card-progress-${base(c.device)}`).waitFor();
  await p
    .locator('[data-testid^="card-progress-"][data-phase="write"], [data-testid^="card-progress-"][data-phase="verify"]')
    .first()
    .waitFor({ timeout: 20_000 })
    .catch(() => undefined); // unthrottled zram may finish before a frame is seen
  await p.waitForTimeout(700);
  await p.screenshot({ path: join(SHOTS, 'flash-progress.png') });

  // both cards succeed, verified
  for (const c of [cardA!, cardB]) {
    const result = byTestId(p, `card-result-${base(c.device)}`);
    await result.waitFor({ timeout: 120_000 });
    assert.equal(await result.getAttribute('data-ok'), 'true', `${c.device}: ${await result.innerText()}`);
    assert.equal(await result.getAttribute('data-verified'), 'true', `${c.device} verified`);
  }
  await byTestId(p, 'session-panel').and(p.locator('[data-finished="true"]')).waitFor({ timeout: 30_000 });
  assert.equal(await byTestId(p, 'retry-failed').count(), 0, 'no "retry failed" when every card succeeded');
  await byTestId(p, 'flash-again').waitFor();
  await shots(p, 'flash-done');

  // the image's bytes are on both cards
  for (const c of [cardA!, cardB]) {
    const head = readHead(c.device, IMAGE_SIZE);
    assert.equal(head.length, IMAGE_SIZE);
    assert.ok(head.equals(image), `${c.device} holds the image`);
  }

  // written in the mode chosen (--full), as the journal records
  const modes = readFileSync(join(home, 'state', 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { device?: string; result: string; mode?: string });
  for (const c of [cardA!, cardB]) {
    assert.deepEqual(modes.filter((l) => l.device === c.device && l.result === 'ok').map((l) => l.mode), ['full'], `${c.device} written in full`);
  }

  // the journal shows both attempts
  await byTestId(p, 'tab-journal').click();
  const journal = byTestId(p, 'journal-view');
  await journal.waitFor();
  for (const c of [cardA!, cardB]) {
    await journal.locator('tr', { hasText: c.device }).filter({ hasText: 'ok' }).first().waitFor({ timeout: 10_000 });
  }
  await shots(p, 'journal');

  // "Flash again" returns to the steps with the image kept
  await byTestId(p, 'tab-flash').click();
  await byTestId(p, 'flash-again').click();
  await byTestId(p, 'image-info').waitFor();

  assert.deepEqual(pageErrors, [], 'no page errors and no CSP violations');
});

test('UI: a card that fails mid-write is reported with its cause, and "Retry failed cards" retries only it', { skip: missing.length > 0 ? `needs ${missing.join(', ')}` : false, timeout: 120_000 }, async () => {
  const p = page!;
  await byTestId(p, 'image-info').waitFor();
  // a dying card: writes of incompressible data fail with EIO after ~2 MiB
  const dying = createZramCard(64 * MiB, { memLimit: 2 * MiB });
  cards.push(dying);
  const id = base(dying.device);
  await byTestId(p, `drive-row-${id}`).waitFor({ timeout: 20_000 });

  // only the dying card
  for (const c of cards) {
    const box = byTestId(p, `drive-checkbox-${base(c.device)}`);
    if (c === dying) await box.check();
    else if ((await box.count()) > 0) await box.uncheck();
  }
  await byTestId(p, 'selected-count').filter({ hasText: /^1 of/ }).waitFor();
  await byTestId(p, 'flash-button').click();
  await byTestId(p, 'confirm-flash').click();

  const result = byTestId(p, `card-result-${id}`);
  await result.waitFor({ timeout: 60_000 });
  assert.equal(await result.getAttribute('data-ok'), 'false');
  const cause = await result.innerText();
  assert.ok(cause.trim().length > 5, `the failure names its cause: "${cause}"`);
  await byTestId(p, 'session-panel').and(p.locator('[data-finished="true"]')).waitFor();
  const retry = byTestId(p, 'retry-failed');
  await retry.waitFor();
  await p.screenshot({ path: join(SHOTS, 'flash-failed.png') });

  // retry: the confirmation lists the failed card only, re-read from the current drive list
  await retry.click();
  const confirm = byTestId(p, 'confirm-dialog');
  await confirm.waitFor();
  const text = await confirm.innerText();
  assert.ok(text.includes(dying.device), 'the retry names the failed card');
  for (const c of cards) if (c !== dying) assert.ok(!text.includes(c.device), `${c.device} is not retried`);
  await byTestId(p, 'confirm-flash').click();

  // the retry is a second attempt in the journal (it fails again: the card is still dying)
  await byTestId(p, 'tab-journal').click();
  const failedRows = byTestId(p, 'journal-view').locator('tbody tr', { hasText: dying.device }).filter({ hasText: 'failed' });
  for (let i = 0; i < 100 && (await failedRows.count()) < 2; i += 1) await p.waitForTimeout(200);
  assert.equal(await failedRows.count(), 2, 'two failed attempts of the dying card in the journal');
  await byTestId(p, 'tab-flash').click();
  await byTestId(p, `card-result-${id}`).waitFor({ timeout: 30_000 });
  assert.deepEqual(pageErrors, [], 'no page errors and no CSP violations');
});

/** Back to the three steps from a finished session (a dialog a failed test left open is closed first). */
async function backToSteps(p: Page): Promise<void> {
  for (let i = 0; i < 3 && (await p.locator('dialog[open]').count()) > 0; i += 1) await p.keyboard.press('Escape');
  await byTestId(p, 'tab-flash').click();
  if ((await byTestId(p, 'session-panel').count()) > 0) {
    await byTestId(p, 'session-panel').and(p.locator('[data-finished="true"]')).waitFor({ timeout: 60_000 });
    await byTestId(p, 'flash-again').click();
  }
  await byTestId(p, 'step-image').waitFor();
}

/** Chooses a file by typing its path into the file dialog. */
async function chooseByPath(p: Page, path: string): Promise<void> {
  await byTestId(p, 'choose-image').click();
  await byTestId(p, 'file-dialog').waitFor();
  await byTestId(p, 'file-path-input').fill(path);
  assert.equal(await byTestId(p, 'file-path-input').inputValue(), path, 'the folder listing arriving never rewrites what was typed');
  await byTestId(p, 'file-path-input').press('Enter');
  try {
    await byTestId(p, 'file-dialog').waitFor({ state: 'detached', timeout: 15_000 });
  } catch (e) {
    await p.screenshot({ path: join(SHOTS, 'file-dialog-stuck.png') });
    const typed = await byTestId(p, 'file-path-input').inputValue().catch(() => '?');
    throw new Error(`the file dialog stayed open after Enter on ${path} (field: ${typed}):\n${await byTestId(p, 'file-dialog').innerText().catch(() => '')}\n${String(e)}`);
  }
}

test('UI: before flashing, a .gz too big for a card marks it too small (one unit in line and reason), a truncated .gz is refused, a 6-byte .txt is warned, the file dialog works by keyboard', { skip: missing.length > 0 ? `needs ${missing.join(', ')}` : false, timeout: 180_000 }, async () => {
  const p = page!;
  await backToSteps(p);
  const small = createZramCard(16 * MiB);
  cards.push(small);
  const id = base(small.device);
  await byTestId(p, `drive-row-${id}`).waitFor({ timeout: 20_000 });

  // a 40 MiB image of random bytes, gzipped: over the 32 MiB inflated at inspection, so its size is the trailer's ISIZE
  const bigGz = join(home, 'images', 'big-random.img.gz');
  writeFileSync(bigGz, gzipSync(randomBytes(40 * MiB), { level: 1 }));
  await chooseByPath(p, bigGz);
  await byTestId(p, 'image-name').filter({ hasText: 'big-random.img.gz' }).waitFor({ timeout: 30_000 });
  assert.equal(await byTestId(p, 'image-size').innerText(), '~40.0 MiB (estimated)');
  const row = byTestId(p, `drive-row-${id}`);
  await p.locator(`[data-testid="drive-row-${id}"][data-eligible="false"]`).waitFor({ timeout: 20_000 });
  const reason = await row.locator('.drive__reasons').innerText();
  assert.match(reason, /too small/, reason);
  assert.match(reason, /~40\.0 MiB \(estimated from the gzip header\)/, reason);
  // one unit convention: the size on the card's line is the very string its reason uses
  const lineSize = await row.locator('.drive__size').innerText();
  assert.equal(lineSize, '16.0 MiB');
  assert.ok(reason.includes(`${small.device} is too small: ${lineSize} for`), `line "${lineSize}" vs reason "${reason}"`);
  assert.equal(await byTestId(p, `drive-checkbox-${id}`).isDisabled(), true, 'a too-small card cannot be selected');
  // the 64 MiB cards stay targets
  assert.equal(await byTestId(p, `drive-row-${base(cards[0]!.device)}`).getAttribute('data-eligible'), 'true');
  // the system disk is named by its bus and size, not by lsblk's PCI vendor id
  const vda = byTestId(p, 'drive-row-vda');
  if ((await vda.count()) > 0) {
    const title = await vda.locator('.drive__title').innerText();
    assert.doesNotMatch(title, /0x[0-9a-f]{4}/i, title);
    assert.match(title, /^Virtio disk, \d+(\.\d)? GiB$/, title);
  }
  await shots(p, 'flash-too-small', row);

  // the same gzip cut in half: its last 4 bytes are compressed data, not a size: refused, never "~x GiB (estimated)"
  const zeros = gzipSync(Buffer.alloc(20 * MiB, 0x5a));
  const cut = join(home, 'images', 'truncated.img.gz');
  writeFileSync(cut, zeros.subarray(0, Math.floor(zeros.length / 2)));
  await chooseByPath(p, cut);
  const error = byTestId(p, 'error-panel').filter({ hasText: 'truncated.img.gz' });
  await error.waitFor({ timeout: 20_000 });
  const errorText = await error.innerText();
  assert.match(errorText, /truncated/, errorText);
  assert.match(errorText, /download it again/, errorText);
  assert.doesNotMatch(await byTestId(p, 'image-info').innerText(), /truncated\.img\.gz|estimated.*truncated/);
  assert.match(await byTestId(p, 'image-name').innerText(), /big-random\.img\.gz/, 'the previous image is kept');
  await shots(p, 'flash-truncated-gz');
  await error.locator('.message__close').click();

  // the whole (not cut) gzip of 20 MiB is inflated at inspection: its exact size, no estimate
  const whole = join(home, 'images', 'zeros.img.gz');
  writeFileSync(whole, zeros);
  await chooseByPath(p, whole);
  await byTestId(p, 'image-name').filter({ hasText: 'zeros.img.gz' }).waitFor({ timeout: 20_000 });
  assert.equal(await byTestId(p, 'image-size').innerText(), '20.0 MiB');
  // the reasons follow the new image (an exact size now, no "estimated")
  await row.locator('.drive__reasons', { hasText: `${small.device} is too small: 16.0 MiB for an image of 20.0 MiB` }).waitFor({ timeout: 20_000 });

  // the file dialog by keyboard: a folder with a sub-folder and a 6-byte notes.txt
  const keys = join(home, 'keys');
  mkdirSync(join(keys, 'sub'), { recursive: true });
  writeFileSync(join(keys, 'notes.txt'), 'hello\n');
  await byTestId(p, 'choose-image').click();
  await byTestId(p, 'file-dialog').waitFor();
  await byTestId(p, 'file-path-input').fill(keys + '/');
  await byTestId(p, 'file-path-input').press('Enter');
  await byTestId(p, 'file-entry-notes.txt').waitFor();
  await byTestId(p, 'file-path-input').press('ArrowDown');
  const focused = (): Promise<string | null> => p.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
  assert.equal(await focused(), 'file-entry-sub', 'ArrowDown from the path moves to the first entry (the folder)');
  assert.equal(await byTestId(p, 'file-open').isDisabled(), true, 'a folder is not an image to open');
  await p.keyboard.press('ArrowDown');
  assert.equal(await focused(), 'file-entry-notes.txt');
  assert.equal(await byTestId(p, 'file-entry-notes.txt').getAttribute('aria-pressed'), 'true', 'the file under the cursor is selected');
  assert.equal(await byTestId(p, 'file-open').isDisabled(), false);
  await p.keyboard.press('ArrowUp');
  assert.equal(await focused(), 'file-entry-sub');
  assert.equal(await byTestId(p, 'file-entry-notes.txt').getAttribute('aria-pressed'), 'false');
  await p.keyboard.press('End');
  assert.equal(await focused(), 'file-entry-notes.txt');
  await shots(p, 'file-dialog-keyboard');
  await p.keyboard.press('Enter');
  await byTestId(p, 'file-dialog').waitFor({ state: 'detached' });

  // a 6-byte .txt is written raw only after a warning that says why it looks wrong
  await byTestId(p, 'image-name').filter({ hasText: 'notes.txt' }).waitFor({ timeout: 20_000 });
  const warnings = await byTestId(p, 'image-warnings').innerText();
  assert.match(warnings, /notes\.txt does not have a disk image's name/, warnings);
  assert.match(warnings, /only 6 bytes: too small to be a disk image/, warnings);
  await shots(p, 'flash-txt-warning', byTestId(p, 'image-warnings'));
  assert.deepEqual(pageErrors.filter((e) => !/Failed to load resource/.test(e)), [], 'no page errors and no CSP violations');
  pageErrors.length = 0;
});

test('UI: a per-card Cancel asks first; the cancelled card is in the journal with what it wrote; filter and CSV/JSON export', { skip: missing.length > 0 ? `needs ${missing.join(', ')}` : !blkioAvailable() ? 'needs blkio throttling (a card slow enough to cancel)' : false, timeout: 180_000 }, async () => {
  const p = page!;
  await backToSteps(p);
  await chooseByPath(p, imagePath);
  await byTestId(p, 'image-name').filter({ hasText: 'walt-test-image.img' }).waitFor({ timeout: 20_000 });
  const slow = createZramCard(64 * MiB);
  cards.push(slow);
  group?.throttle(slow.device, 1_000_000); // 1 MB/s: 8 MiB take 8 s, time to ask and answer
  const id = base(slow.device);
  await byTestId(p, `drive-row-${id}`).waitFor({ timeout: 20_000 });
  for (const c of cards) {
    const box = byTestId(p, `drive-checkbox-${base(c.device)}`);
    if (c === slow) await box.check();
    else if ((await box.count()) > 0 && (await box.isEnabled())) await box.uncheck();
  }
  await byTestId(p, 'selected-count').filter({ hasText: /^1 of/ }).waitFor();
  await byTestId(p, 'flash-button').click();
  await byTestId(p, 'confirm-flash').click();
  const progress = byTestId(p, `card-progress-${id}`);
  await p.locator(`[data-testid="card-progress-${id}"][data-phase="write"]`).waitFor({ timeout: 30_000 });

  // Cancel asks; "Keep writing" keeps it writing
  await byTestId(p, `card-cancel-${id}`).click();
  const ask = byTestId(p, `card-cancel-ask-${id}`);
  await ask.waitFor();
  assert.match(await ask.innerText(), new RegExp(`Stop writing ${slow.device}\\? It keeps a partial image\\.`));
  await shots(p, 'flash-cancel-ask', progress);
  await byTestId(p, `card-cancel-keep-${id}`).click();
  await ask.waitFor({ state: 'detached' });
  assert.equal(await progress.getAttribute('data-phase'), 'write', 'still writing after "Keep writing"');
  // "Cancel all" asks too
  await byTestId(p, 'cancel-all').click();
  await byTestId(p, 'cancel-all-ask').waitFor();
  await byTestId(p, 'cancel-all-ask').getByRole('button', { name: 'Keep writing' }).click();
  await byTestId(p, 'cancel-all').waitFor();

  // let a few MiB go to the card, then cancel for real
  await p.waitForFunction((sel) => /[2-9]\.\d MiB \//.test(document.querySelector(sel)?.textContent ?? ''), `[data-testid="card-progress-${id}"] .card__numbers`, { timeout: 30_000 });
  await byTestId(p, `card-cancel-${id}`).click();
  await byTestId(p, `card-cancel-confirm-${id}`).click();
  const result = byTestId(p, `card-result-${id}`);
  await result.waitFor({ timeout: 30_000 });
  assert.match(await result.innerText(), /Cancelled/);

  // the journal row of that attempt: cancelled, with the bytes the journal recorded for it, names on one line
  await byTestId(p, 'tab-journal').click();
  const journalRow = p.locator(`[data-testid="journal-row"][data-device="${slow.device}"]`).first();
  await journalRow.waitFor({ timeout: 20_000 });
  assert.equal(await journalRow.getAttribute('data-result'), 'cancelled');
  const lines = readFileSync(join(home, 'state', 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { device?: string; bytes: number; result: string });
  const recorded = lines.filter((r) => r.device === slow.device).at(-1)!;
  const written = await journalRow.locator('[data-testid="journal-written"]').innerText();
  assert.equal(written, recorded.bytes > 0 ? formatBytes(recorded.bytes) : 'nothing', `the row shows the recorded ${recorded.bytes} bytes`);
  // a journal that records each attempt as it starts (started/progress lines) also records what a cancel left on
  // the card: then the row shows those MiBs, not "0 B" (the MiBs the card showed before the cancel)
  if (lines.some((l) => l.result === 'started')) {
    assert.ok(recorded.bytes >= 2 * MiB, `the cancelled card wrote ${recorded.bytes} bytes`);
    assert.match(written, /^\d+\.\d MiB$/);
  }
  // no cell of the row wraps inside a name (device, card, image): every nowrap cell is one line high
  const heights = await journalRow.evaluate((tr) =>
    Array.from(tr.querySelectorAll('td')).slice(0, 9).map((td) => {
      const tops: number[] = [];
      const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!n.textContent?.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        for (const r of Array.from(range.getClientRects())) if (r.width > 0 && !tops.some((t) => Math.abs(t - r.top) < 6)) tops.push(r.top);
      }
      return tops.length;
    }),
  );
  assert.ok(heights.every((n, i) => n <= (i === 3 ? 2 : 1)), `lines per cell: ${heights.join(' ')}`);

  // filter by device and result; the count says so
  const all = await p.locator('[data-testid="journal-row"]').count();
  await byTestId(p, 'journal-filter').fill(slow.device);
  await p.waitForFunction((n) => document.querySelectorAll('[data-testid="journal-row"]').length < n, all);
  const devices = await p.locator('[data-testid="journal-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-device')));
  assert.ok(devices.length >= 1 && devices.every((d) => d === slow.device), devices.join(', '));
  await byTestId(p, 'journal-result-filter').selectOption('ok');
  await p.locator('.journal__empty', { hasText: 'No attempt matches the filter' }).waitFor();
  await byTestId(p, 'journal-result-filter').selectOption('cancelled');
  await journalRow.waitFor();
  assert.match(await byTestId(p, 'journal-count').innerText(), new RegExp(`^1 of ${all} card attempts`));
  await shots(p, 'journal-filtered');

  // the exports are the CLI's: CSV with its header line, JSON records; of the rows shown
  const [csvDownload] = await Promise.all([p.waitForEvent('download'), byTestId(p, 'journal-export-csv').click()]);
  const csv = readFileSync((await csvDownload.path())!, 'utf8');
  const csvLines = csv.trim().split('\r\n');
  assert.equal(csvLines[0], 'time,device,size,description,serial,imageName,imageSha256,bytes,durationMs,averageSpeed,verified,result,error,mode');
  assert.equal(csvLines.length, 2, csv);
  assert.ok(csvLines[1]!.includes(`,${slow.device},`) && csvLines[1]!.includes(',cancelled,'), csvLines[1]);
  const [jsonDownload] = await Promise.all([p.waitForEvent('download'), byTestId(p, 'journal-export-json').click()]);
  const json = JSON.parse(readFileSync((await jsonDownload.path())!, 'utf8')) as { device: string; result: string; bytes: number }[];
  assert.deepEqual(json.map((r) => [r.device, r.result, r.bytes]), [[slow.device, 'cancelled', recorded.bytes]]);
  await byTestId(p, 'journal-filter').fill('');
  await byTestId(p, 'journal-result-filter').selectOption('all');
  assert.deepEqual(pageErrors, [], 'no page errors and no CSP violations');
});

test('UI: the header stays on one line at 800 px (measured line boxes), nothing in it overflows', { skip: missing.length > 0 ? `needs ${missing.join(', ')}` : false, timeout: 60_000 }, async () => {
  const p = page!;
  for (const size of [NARROW, WIDE]) {
    await p.setViewportSize(size);
    await p.waitForTimeout(200);
    const m = await p.evaluate(() => {
      const header = document.querySelector<HTMLElement>('.app-header')!;
      const items = Array.from(header.querySelectorAll<HTMLElement>('.app-header__name, .tab, .conn, .menu__button')).filter((e) => e.offsetParent !== null);
      // the line boxes of the visible text: one per line the text takes (icons and dots are not text)
      const lines = items.map((el) => {
        const tops: number[] = [];
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          if (!n.textContent?.trim() || (n.parentElement && n.parentElement.offsetParent === null)) continue;
          const range = document.createRange();
          range.selectNodeContents(n);
          for (const r of Array.from(range.getClientRects())) if (r.width > 0 && !tops.some((t) => Math.abs(t - r.top) < 6)) tops.push(r.top);
        }
        return { text: el.innerText, tops: tops.length, height: el.getBoundingClientRect().height };
      });
      return { headerHeight: header.getBoundingClientRect().height, scroll: header.scrollWidth, client: header.clientWidth, lines };
    });
    assert.equal(m.headerHeight, 60, `header height at ${size.width} px`);
    assert.ok(m.scroll <= m.client, `header overflows at ${size.width} px: ${m.scroll} > ${m.client}`);
    assert.ok(m.lines.length >= 6, JSON.stringify(m.lines));
    for (const l of m.lines) assert.equal(l.tops, 1, `"${l.text}" wraps at ${size.width} px (${l.tops} lines)`);
  }
  await p.setViewportSize(NARROW);
  await backToSteps(p);
  await p.screenshot({ path: join(SHOTS, 'header-800.png'), clip: { x: 0, y: 0, width: 800, height: 120 } });
  await p.setViewportSize(WIDE);
  assert.deepEqual(pageErrors, []);
});
