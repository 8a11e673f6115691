/**
 * The Boot check view's Rack mode in a real Chromium against a real `walt-bench station`, both inside a fresh network
 * namespace whose bridge joins three real U-Boot boards (QEMU), two sending walt.node.rpi-4-b and one
 * walt.node.rpi-3-b-plus: choose the bridge, expect rpi-4-b, add the three consoles, start, boot the rack; then three
 * rows (two pass, one fails naming both models), sorting by a header, the detail pane of the failing board, and the
 * CSV export read back from the download. Screenshots go to test-output/screenshots/ (ignored by git).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, openTestPage } from './support/browser.js';
import { createNetns, netnsAvailable, type NetNamespace } from '../support/netns.js';
import { startUbootBoard, ubootBoardAvailable, type UbootBoard } from '../support/qemu-uboot.js';
import { startStationProcess, type StationProcess } from './support/station-process.js';

const REPO = join(__dirname, '..', '..');
const SHOTS = join(REPO, 'test-output', 'screenshots');
/**
 * WalT's boot sequence; the boards stay at U-Boot's prompt afterwards (no poweroff): a QEMU exiting takes its tap's
 * carrier down, and Chromium, in the same namespace, fails its requests in flight with ERR_NETWORK_CHANGED.
 */
const WALT_BOOTCMD =
  'dhcp; if tftpboot ${scriptaddr} fit-start.uboot; then source ${scriptaddr}; ' +
  'else dhcp; tftpboot ${scriptaddr} start.uboot; source ${scriptaddr}; fi';
const BRIDGE = 'ruibr0';
const SPEC = [
  { tap: 'ruitap0', mac: '52:54:00:ad:00:01', vci: 'walt.node.rpi-4-b' },
  { tap: 'ruitap1', mac: '52:54:00:ad:00:02', vci: 'walt.node.rpi-3-b-plus' },
  { tap: 'ruitap2', mac: '52:54:00:ad:00:03', vci: 'walt.node.rpi-4-b' },
];
const WRONG = SPEC[1]!.mac;

const missing = [
  !netnsAvailable() && 'root and ip netns',
  !ubootBoardAvailable() && 'QEMU and U-Boot for qemu_arm64',
  !existsSync(CHROMIUM) && CHROMIUM,
  !existsSync(join(REPO, 'dist', 'renderer', 'index.html')) && 'the built UI (npm run build:renderer)',
  !existsSync(join(REPO, 'dist', 'bundle', 'cli.cjs')) && 'the built backend (npm run build)',
].filter(Boolean);
const skip = missing.length > 0 ? `needs ${missing.join(', ')}` : false;

let dir = '';
let ns: NetNamespace | null = null;
let station: StationProcess | null = null;
let browser: Browser | null = null;
let page: Page | null = null;
const boards: UbootBoard[] = [];
let pageErrors: string[] = [];

const byTestId = (p: Page, id: string) => p.locator(`[data-testid="${id}"]`);
const row = (p: Page, mac: string) => p.locator(`[data-testid="rack-row"][data-mac="${mac}"]`);
const rowMacs = (p: Page): Promise<string[]> => p.locator('[data-testid="rack-row"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-mac') ?? ''));

before(async () => {
  if (missing.length > 0) return;
  dir = mkdtempSync(join(tmpdir(), 'wb-ui-rack-'));
  mkdirSync(SHOTS, { recursive: true });
  ns = createNetns({ prefix: 'ruirack', tap: SPEC[0]!.tap, noIpv6: true });
  const sh = (...args: string[]): string => ns!.run('ip', args);
  sh('addr', 'flush', 'dev', SPEC[0]!.tap);
  sh('link', 'add', BRIDGE, 'type', 'bridge');
  for (const s of SPEC.slice(1)) sh('tuntap', 'add', 'dev', s.tap, 'mode', 'tap');
  for (const s of SPEC) sh('link', 'set', s.tap, 'master', BRIDGE, 'up');
  sh('addr', 'add', `${ns.hostIp}/24`, 'dev', BRIDGE);
  sh('link', 'set', BRIDGE, 'up');
  // paused: each console is opened by the rack check before its board prints anything
  for (const s of SPEC) {
    boards.push(
      await startUbootBoard({
        netns: { ...ns, tap: s.tap },
        mac: s.mac,
        paused: true,
        env: { bootp_vci: s.vci, autoload: 'no', bootdelay: '0', bootcmd: WALT_BOOTCMD },
      }),
    );
  }
  station = await startStationProcess(REPO, { WALT_BENCH_HOME: join(dir, 'home') }, ns.wrap());
  const wrapper = join(dir, 'chromium-in-netns.sh');
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${ns.name} ${CHROMIUM} "$@"\n`);
  chmodSync(wrapper, 0o755);
  const opened = await openTestPage({ width: 1366, height: 900 }, wrapper);
  browser = opened.browser;
  page = opened.page;
  pageErrors = opened.errors;
  await page.goto(station.url);
  await byTestId(page, 'connection-state').filter({ hasText: 'connected' }).waitFor({ timeout: 15_000 });
  await byTestId(page, 'tab-check').click();
  await byTestId(page, 'check-mode-switch-rack').click();
  await byTestId(page, 'rack-view').waitFor();
  await page.locator(`[data-testid="rack-iface"] option[value="${BRIDGE}"]`).waitFor({ state: 'attached', timeout: 10_000 });
});

after(async () => {
  await Promise.all(boards.map((b) => b.stop().catch(() => undefined)));
  await browser?.close().catch(() => undefined);
  await station?.stop().catch(() => undefined);
  ns?.remove();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('UI rack check: three U-Boot boards, two rpi-4-b pass, the rpi-3-b-plus fails naming it; sort, detail, CSV', { skip, timeout: 150_000 }, async () => {
  const p = page!;
  await byTestId(p, 'rack-iface').selectOption(BRIDGE);
  await byTestId(p, 'rack-expect-model').check();
  await byTestId(p, 'rack-model').fill('walt.node.rpi-4-b');
  assert.match(await byTestId(p, 'rack-problem').innerText(), /without "walt\.node\."/);
  assert.equal(await byTestId(p, 'rack-start').isDisabled(), true, 'a wrong model keeps Start disabled');
  await byTestId(p, 'rack-model').fill('rpi-4-b');
  for (const b of boards) {
    await byTestId(p, 'rack-port-path').fill(b.pty);
    await byTestId(p, 'rack-port-add').click();
  }
  const ticked = await p.locator('[data-testid="rack-port"]:checked').evaluateAll((els) => els.map((e) => e.getAttribute('data-port')));
  assert.deepEqual(ticked, boards.map((b) => b.pty));
  await byTestId(p, 'rack-timeout').fill('60');
  await byTestId(p, 'rack-start').click();
  await p.locator('[data-testid="rack-summary"][data-phase="running"]').waitFor({ timeout: 15_000 });
  await p.locator('[data-testid="rack-start"]:has-text("Start rack check")').waitFor({ timeout: 15_000 });
  for (const b of boards) b.resume();

  // live: the rows appear while the boards boot; the check ends once all three are decided (plus its settle time)
  await row(p, SPEC[0]!.mac).waitFor({ timeout: 30_000 });
  await p.locator('[data-testid="rack-summary"][data-phase="done"]').waitFor({ timeout: 90_000 });
  // what the rows say (check cells carry their evidence in their title), for failure messages
  const rowsText = await p.locator('[data-testid="rack-row"]').evaluateAll((els) =>
    els.map((e) => `${(e as HTMLElement).innerText.replace(/\s+/g, ' ')} | ${Array.from(e.querySelectorAll('td[title]'), (t) => t.getAttribute('title')).join(' | ')}`).join('\n'),
  );
  const consoles = (await byTestId(p, 'rack-consoles').innerText()).replace(/\n/g, '; ');
  const ptys = boards.map((b, i) => `${SPEC[i]!.mac}=${b.pty}`).join(', ');
  const why = `rows:\n${rowsText}\nconsoles: ${consoles} (boards: ${ptys})\nbench log:\n${await byTestId(p, 'bench-log').innerText()}\nstation:\n${station!.output()}\n${boards.map((b, i) => `console of ${SPEC[i]!.mac}:\n${b.log().slice(-700)}`).join('\n')}`;
  assert.equal(await p.locator('[data-testid="rack-row"]').count(), 3, why);
  for (const s of SPEC) {
    assert.equal(await row(p, s.mac).getAttribute('data-verdict'), s.mac === WRONG ? 'fail' : 'pass', `${s.mac}\n${why}`);
  }
  assert.match(await byTestId(p, 'rack-summary').innerText(), /3 boards · 2 passed · 1 failed/);
  const wrong = row(p, WRONG);
  assert.match(await wrong.locator('[data-testid="rack-model-sent"]').innerText(), /rpi-3-b-plus[\s\S]*expected rpi-4-b/);
  assert.equal(await wrong.locator('[data-testid="rack-check-identity"]').getAttribute('data-state'), 'failed');
  const good = row(p, SPEC[0]!.mac);
  assert.match(await good.innerText(), /QEMU\/KVM/, 'vendor from the OUI');
  assert.match(await good.innerText(), /start\.uboot/, 'start file');
  assert.match(await good.innerText(), /192\.168\.152\.\d+/, 'address');
  // the run check cites what the probe line printed (not "mac=? ip=?")
  assert.match((await good.locator('td[title]').evaluateAll((els) => els.map((e) => e.getAttribute('title')).join(' | '))), new RegExp(`console printed vci=walt\\.node\\.rpi-4-b mac=${SPEC[0]!.mac} ip=192\\.168\\.152\\.\\d+`));
  for (const id of ['dhcp', 'identity', 'fetch', 'transfer', 'run']) {
    assert.equal(await good.locator(`[data-testid="rack-check-${id}"]`).getAttribute('data-state'), 'ok', `${id} of a passing board with its console`);
  }

  // sorting: by MAC ascending at first; a click on Verdict puts the failure first, a second click last
  assert.deepEqual(await rowMacs(p), SPEC.map((s) => s.mac).sort());
  await byTestId(p, 'rack-sort-verdict').click();
  assert.equal((await rowMacs(p))[0], WRONG);
  assert.equal(await p.locator('th:has([data-testid="rack-sort-verdict"])').getAttribute('aria-sort'), 'ascending');
  await byTestId(p, 'rack-sort-verdict').click();
  assert.equal((await rowMacs(p))[2], WRONG);
  await byTestId(p, 'rack-sort-mac').click();
  await byTestId(p, 'rack-sort-mac').click();
  assert.deepEqual(await rowMacs(p), SPEC.map((s) => s.mac).sort().reverse());

  // the detail pane of the failing board: the failing check's reason, its class, its console
  await wrong.click();
  const detail = byTestId(p, 'rack-detail');
  assert.equal(await detail.getAttribute('data-mac'), WRONG);
  assert.match(await byTestId(p, 'rack-detail-diagnosis').innerText(), /walt\.node\.rpi-3-b-plus, expected walt\.node\.rpi-4-b/);
  const identity = byTestId(p, 'rack-detail-check-identity');
  assert.equal(await identity.getAttribute('data-state'), 'failed');
  assert.match(await identity.innerText(), /rpi-3-b-plus/);
  assert.equal(await byTestId(p, 'rack-detail-vci').innerText(), 'walt.node.rpi-3-b-plus');
  await good.click();
  assert.equal(await byTestId(p, 'rack-detail-port').innerText(), boards[0]!.pty, 'the console joined to its board');
  await wrong.click();

  // the CSV export, read back from the download: one row per board, in the table's order
  const [download] = await Promise.all([p.waitForEvent('download'), byTestId(p, 'rack-export-csv').click()]);
  assert.match(download.suggestedFilename(), /^rack-.*\.csv$/);
  const csv = readFileSync((await download.path())!, 'utf8').trim().split('\r\n');
  assert.equal(csv.length, 4, csv.join('\n'));
  assert.match(csv[0]!, /^mac,vendor,model_expected,model_sent,vci,ip,files,dhcp,identity,fetch,transfer,run,attempts,verdict,diagnosis$/);
  const lines = new Map(csv.slice(1).map((l) => [l.split(',')[0]!, l]));
  assert.deepEqual([...lines.keys()], SPEC.map((s) => s.mac).sort().reverse());
  for (const s of SPEC) {
    const l = lines.get(s.mac)!;
    assert.match(l, /^[^,]+,QEMU\/KVM,rpi-4-b,/, l);
    assert.match(l, s.mac === WRONG ? /,rpi-3-b-plus,.*,1,fail,.*expected walt\.node\.rpi-4-b/ : /,rpi-4-b,walt\.node\.rpi-4-b,.*,ok,ok,ok,ok,ok,1,pass,/, l);
  }

  await p.screenshot({ path: join(SHOTS, 'rack-check-1366.png'), fullPage: true });
  await p.setViewportSize({ width: 800, height: 600 });
  await p.waitForTimeout(200);
  await p.screenshot({ path: join(SHOTS, 'rack-check-800.png'), fullPage: true });
  // the wide table scrolls inside its panel: the page itself is not wider than the window
  assert.equal(await p.evaluate(() => document.documentElement.scrollWidth), 800);
  // A link changing under Chromium (a board's tap, the bridge) fails the requests it has in flight, logged as
  // net::ERR_NETWORK_CHANGED whatever the page does; the page retries its reads, so no error reached the technician.
  assert.deepEqual(pageErrors.filter((e) => !e.includes('net::ERR_NETWORK_CHANGED')), []);
  assert.equal(await byTestId(p, 'error-panel').count(), 0, 'no error shown in the page');
});
