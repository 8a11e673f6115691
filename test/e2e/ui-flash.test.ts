/**
 * The Flash view in a real Chromium against a real `walt-bench station` and real zram "cards": pick an image through
 * the file dialog, see a hot-added card appear live, select two cards, flash, confirm, watch the progress, see both
 * succeed, and find the image's bytes on both cards. Screenshots go to test-output/screenshots/.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, openTestPage } from './support/browser.js';
import { createZramCard, readHead, zramAvailable, type ZramCard } from '../support/zram.js';
import { blkioAvailable, createBlkioGroup, type BlkioGroup } from '../support/blkio-group.js';
import { startStationProcess, type StationProcess } from './support/station-process.js';

const REPO = join(__dirname, '..', '..');
const SHOTS = join(REPO, 'test-output', 'screenshots');
const MiB = 1024 * 1024;
const IMAGE_SIZE = 8 * MiB;

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

  const opened = await openTestPage({ width: 1360, height: 860 });
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
  await p.screenshot({ path: join(SHOTS, 'file-dialog.png') });
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
  await p.screenshot({ path: join(SHOTS, 'flash-drives.png') });

  // the confirmation lists what will be erased
  await flash.click();
  const confirm = byTestId(p, 'confirm-dialog');
  await confirm.waitFor();
  const confirmText = await confirm.innerText();
  for (const c of [cardA!, cardB]) assert.ok(confirmText.includes(c.device), `confirmation names ${c.device}`);
  await p.screenshot({ path: join(SHOTS, 'flash-confirm.png') });
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
  await p.screenshot({ path: join(SHOTS, 'flash-done.png') });

  // the image's bytes are on both cards
  for (const c of [cardA!, cardB]) {
    const head = readHead(c.device, IMAGE_SIZE);
    assert.equal(head.length, IMAGE_SIZE);
    assert.ok(head.equals(image), `${c.device} holds the image`);
  }

  // the journal shows both attempts
  await byTestId(p, 'tab-journal').click();
  const journal = byTestId(p, 'journal-view');
  await journal.waitFor();
  for (const c of [cardA!, cardB]) {
    await journal.locator('tr', { hasText: c.device }).filter({ hasText: 'ok' }).first().waitFor({ timeout: 10_000 });
  }
  await p.screenshot({ path: join(SHOTS, 'journal.png') });

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
