/**
 * The lab station for real: `walt-bench station --host <lab address>` inside a network namespace (names "stui-..."),
 * probed from inside it. HTTPS whose served certificate has the SHA-256 fingerprint the station printed (and the same
 * certificate after a restart), a wrong or missing token refused, a cross-origin call and socket refused, the token
 * kept across restarts until `--rotate-token` (the old one refused from then on); then two Chromium pages watch one
 * job armed from the Station view (the slot enrolled by inserting a card in it): a zram card inserted into the enrolled slot shows done on both, the audit line
 * names the page's address, and a reload re-attaches to the job. A screenshot of the view goes to test-output/.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './support/browser.js';
import { startStationProcess, type StationProcess } from './support/station-process.js';
import { createNetns, netnsAvailable, type NetNamespace } from '../support/netns.js';
import { createZramCard, readHead, type ZramCard, zramAvailable } from '../support/zram.js';

const REPO = join(__dirname, '..', '..');
const SHOTS = join(REPO, 'test-output', 'screenshots');
const LAB_IP = '192.168.157.1';
const MiB = 1 << 20;

const missing = [
  !existsSync(CHROMIUM) && CHROMIUM,
  !existsSync(join(REPO, 'dist', 'renderer', 'index.html')) && 'the built UI (npm run build:renderer)',
  !existsSync(join(REPO, 'dist', 'main', 'cli', 'main.js')) && 'the built backend (npx tsc -p tsconfig.json)',
  !netnsAvailable() && 'root and ip netns',
  !zramAvailable() && 'zram',
].filter(Boolean);
const skip = missing.length > 0 ? `needs ${missing.join(', ')}` : false;

/** What the probe (run inside the namespace) found. */
interface Probe {
  fingerprint: string;
  noToken: number;
  wrongToken: number;
  rightToken: number;
  crossOrigin: number;
  staticPage: number;
  wsWrongOrigin: number | string;
  wsRight: number | string;
}

/** Node run inside the namespace: TLS peer certificate, then HTTP/WS answers for the given tokens. */
const PROBE = String.raw`
const tls = require('node:tls'); const https = require('node:https'); const WebSocket = require(process.env.WS_PATH);
const { host, port, token, other } = JSON.parse(process.env.PROBE);
const get = (path, headers) => new Promise((resolve) => {
  https.get({ host, port, path, headers, rejectUnauthorized: false }, (res) => { res.resume(); resolve(res.statusCode); }).on('error', (e) => resolve(String(e.message)));
});
const ws = (protocols, origin) => new Promise((resolve) => {
  const s = new WebSocket('wss://' + host + ':' + port + '/api/events', protocols, { rejectUnauthorized: false, headers: origin ? { origin } : {} });
  s.on('unexpected-response', (_q, r) => resolve(r.statusCode)); s.on('error', (e) => resolve(String(e.message)));
  s.on('open', () => { resolve('open'); s.close(); });
});
(async () => {
  const fingerprint = await new Promise((resolve, reject) => {
    const s = tls.connect({ host, port, servername: undefined, rejectUnauthorized: false }, () => { resolve(s.getPeerCertificate().fingerprint256); s.end(); });
    s.on('error', reject);
  });
  const own = 'https://' + host + ':' + port;
  const out = {
    fingerprint,
    noToken: await get('/api/session', {}),
    wrongToken: await get('/api/session', { authorization: 'Bearer ' + other }),
    rightToken: await get('/api/session', { authorization: 'Bearer ' + token }),
    crossOrigin: await get('/api/session', { authorization: 'Bearer ' + token, origin: 'https://evil.example' }),
    staticPage: await get('/', {}),
    wsWrongOrigin: await ws(['walt-bench.v1', 'token.' + token], 'https://evil.example'),
    wsRight: await ws(['walt-bench.v1', 'token.' + token], own),
  };
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { process.stderr.write(String(e.stack)); process.exit(1); });
`;

function probe(ns: NetNamespace, port: number, token: string, other: string): Probe {
  const out = ns.run('env', [
    `PROBE=${JSON.stringify({ host: LAB_IP, port, token, other })}`,
    `WS_PATH=${require.resolve('ws')}`,
    process.execPath,
    '-e',
    PROBE,
  ]);
  return JSON.parse(out) as Probe;
}

/** The fingerprint the station printed beside its URL. */
function printedFingerprint(s: StationProcess): string {
  const m = /SHA-256 fingerprint ([0-9A-F:]{95})/.exec(s.output());
  assert.ok(m, s.output());
  return m[1]!;
}

const byTestId = (p: Page, id: string) => p.locator(`[data-testid="${id}"]`);
/** Inside the Station view (the hidden Flash view holds the same image picker). */
const inView = (p: Page, id: string) => p.locator(`[data-testid="station-view"] [data-testid="${id}"]`);

describe('the lab station in a network namespace (real process, HTTPS, Chromium, zram)', { skip }, () => {
  let home = '';
  let ns: NetNamespace | null = null;
  let station: StationProcess | null = null;
  let browser: Browser | null = null;
  const cards: ZramCard[] = [];

  before(() => {
    home = mkdtempSync(join(tmpdir(), 'stui-'));
    ns = createNetns({ prefix: 'stui', hostIp: LAB_IP, noIpv6: true });
  });
  after(async () => {
    await browser?.close().catch(() => undefined);
    await station?.stop().catch(() => undefined);
    for (const c of cards) c.remove();
    ns?.remove();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  const env = (): Record<string, string> => ({ WALT_BENCH_HOME: join(home, 'state'), WALT_BENCH_VIRTUAL_DRIVES: '1' });
  const start = async (extra: string[] = []): Promise<StationProcess> =>
    startStationProcess(REPO, env(), ns!.wrap(), ['--port', '0', '--host', LAB_IP, ...extra]);

  it('serves HTTPS with the printed fingerprint, refuses a wrong/missing token and other origins, keeps its token and certificate until --rotate-token', { timeout: 90_000 }, async () => {
    station = await start();
    assert.match(station.url, new RegExp(`^https://${LAB_IP.replace(/\./g, '\\.')}:\\d+/#token=[0-9a-f]{48}$`));
    const fp = printedFingerprint(station);
    const port = Number(new URL(station.origin).port);
    const first = probe(ns!, port, station.token, 'ab'.repeat(24));
    assert.equal(first.fingerprint, fp, 'the served certificate is the one whose fingerprint was printed');
    assert.deepEqual(
      [first.noToken, first.wrongToken, first.rightToken, first.crossOrigin, first.staticPage, first.wsWrongOrigin, first.wsRight],
      [401, 401, 200, 403, 200, 403, 'open'],
    );
    const tokenFile = join(home, 'state', 'station-tls', 'token');
    assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
    assert.equal(statSync(join(home, 'state', 'station-tls', 'key.pem')).mode & 0o777, 0o600);
    const oldToken = station.token;
    await station.stop();

    station = await start();
    assert.equal(station.token, oldToken, 'a restarted lab station keeps its token');
    assert.equal(printedFingerprint(station), fp, 'and its certificate');
    assert.match(station.output(), /made earlier/);
    await station.stop();

    station = await start(['--rotate-token']);
    assert.notEqual(station.token, oldToken);
    assert.match(station.output(), /rotated now: the old one is refused/);
    const rotated = probe(ns!, Number(new URL(station.origin).port), station.token, oldToken);
    assert.equal(rotated.fingerprint, fp, 'rotating the token keeps the certificate');
    assert.equal(rotated.wrongToken, 401, 'the old token is refused');
    assert.equal(rotated.rightToken, 200);
    assert.equal(readFileSync(tokenFile, 'utf8').trim(), station.token);
  });

  it('two Chromium pages watch one job armed from the Station view; a zram card shows done on both; a reload re-attaches', { timeout: 90_000 }, async () => {
    assert.ok(station, 'the first test left the station running');
    const s = station;
    const image = join(home, 'station.img');
    const bytes = Buffer.alloc(2 * MiB);
    for (let i = 0; i < bytes.length; i += 4096) bytes.writeUInt32LE((i * 2654435761) >>> 0, i);
    writeFileSync(image, bytes);
    const slot = createZramCard(0);
    cards.push(slot);

    const wrapper = join(home, 'chromium-in-ns');
    writeFileSync(wrapper, `#!/bin/sh\nexec ${ns!.wrap().join(' ')} ${CHROMIUM} "$@"\n`);
    chmodSync(wrapper, 0o755);
    browser = await chromium.launch({ executablePath: wrapper, args: CHROMIUM_ARGS });
    const errors: string[] = [];
    const openPage = async (): Promise<Page> => {
      const ctx = await browser!.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } });
      await ctx.addInitScript(() => localStorage.setItem('walt-bench.system-check-shown', '1'));
      const p = await ctx.newPage();
      p.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      await p.goto(s.url);
      await byTestId(p, 'connection-state').filter({ hasText: /connected$/ }).waitFor({ timeout: 20_000 });
      await byTestId(p, 'tab-station').click();
      return p;
    };
    const a = await openPage();
    const b = await openPage();

    // Page a enrolls the zram slot by inserting a card in it ("insert a card in the slot you want to enroll"), the
    // card is pulled again, then it chooses the image and arms one card.
    const row = a.locator(`[data-testid="station-view"] [data-testid="slot-row"][data-slot="${slot.device}"]`);
    await row.locator('[data-testid="slot-enroll"]').waitFor();
    await inView(a, 'enroll-by-insert').click();
    writeFileSync(`/sys/block/zram${slot.index}/disksize`, String(8 * MiB));
    await row.locator('[data-testid="slot-use"]').waitFor({ timeout: 20_000 });
    writeFileSync(`/sys/block/zram${slot.index}/reset`, '1');
    await row.filter({ hasText: 'empty' }).waitFor({ timeout: 20_000 });
    await row.locator('[data-testid="slot-use"]').check();
    await inView(a, 'choose-image').click();
    await inView(a, 'file-path-input').fill(image);
    await inView(a, 'file-path-input').press('Enter');
    await inView(a, 'image-info').waitFor();
    await inView(a, 'station-count').fill('1');
    await inView(a, 'station-arm').click();
    for (const p of [a, b]) await inView(p, 'slot-tile-1').filter({ hasText: 'insert a card' }).waitFor({ timeout: 15_000 });

    writeFileSync(`/sys/block/zram${slot.index}/disksize`, String(8 * MiB));
    for (const p of [a, b]) {
      await inView(p, 'station-announcement').filter({ hasText: /slot 1: card 1 of 1 done, remove it/ }).waitFor({ timeout: 30_000 });
      await p.locator('[data-testid="station-view"] [data-testid="station-card-row"][data-result="ok"]').waitFor();
      assert.match(await inView(p, 'station-job-state').innerText(), /complete/);
    }
    assert.ok(readHead(slot.device, bytes.length).equals(bytes), 'the card holds the image');
    mkdirSync(SHOTS, { recursive: true });
    await a.screenshot({ path: join(SHOTS, 'station-view.png'), fullPage: true });

    // The audit line names the client by its address on the lab network and its page.
    const journal = readFileSync(join(home, 'state', 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const armed = journal.find((l) => l.audit === 'station' && l.action === 'armed');
    assert.match(String(armed?.client), new RegExp(`^station ${LAB_IP.replace(/\./g, '\\.')} c-[0-9a-f]{24}$`));

    // A reload re-attaches to the job (stationJob.status): the table and the counter come back.
    await b.reload();
    await byTestId(b, 'connection-state').filter({ hasText: /connected$/ }).waitFor({ timeout: 20_000 });
    await byTestId(b, 'tab-station').click();
    await inView(b, 'station-done').filter({ hasText: '1' }).waitFor({ timeout: 15_000 });
    await b.locator('[data-testid="station-view"] [data-testid="station-card-row"][data-result="ok"]').waitFor();
    assert.deepEqual(errors, []);
    writeFileSync(`/sys/block/zram${slot.index}/reset`, '1');
  });
});
