/**
 * The Station view in a real Chromium against a real `walt-bench station` (127.0.0.1) with zram slots: the job's size
 * limit typed in the view (never above the stationSizeLimitBytes setting: the view says so) reaches the armed job
 * (the station's status has it), a card over it is refused with the reason and left untouched, a card under it is
 * written and announced (desktop notification and beep, both observed through stand-ins of the browser APIs), and
 * the job's CSV/JSON exports hold that card. A second page (another client) sees who holds the job and why it cannot
 * change it, and disarms it only after an explicit confirmation, the journal naming both clients.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { StationJobData } from '../../src-main/api/contract.js';
import { CHROMIUM, CHROMIUM_ARGS } from './support/browser.js';
import { startStationProcess, type StationProcess } from './support/station-process.js';
import { createZramCard, readHead, type ZramCard, zramAvailable } from '../support/zram.js';

const REPO = join(__dirname, '..', '..');
const MiB = 1 << 20;
const SHOTS = join(REPO, 'test-output', 'screenshots');
const missing = [
  !existsSync(CHROMIUM) && CHROMIUM,
  !existsSync(join(REPO, 'dist', 'renderer', 'index.html')) && 'the built UI (npm run build:renderer)',
  !existsSync(join(REPO, 'dist', 'main', 'cli', 'main.js')) && 'the built backend (npx tsc -p tsconfig.json)',
  !zramAvailable() && 'root and zram',
].filter(Boolean);
const skip = missing.length > 0 ? `needs ${missing.join(', ')}` : false;

/**
 * Stand-ins for Notification and AudioContext that record what the page announced (headless has neither sound nor a
 * desktop). A string: the test's own compiled functions would carry the transpiler's helpers into the page.
 */
const RECORD_ANNOUNCEMENTS = String.raw`
  window.__notes = [];
  window.__beeps = [];
  class FakeNotification {
    static permission = 'granted';
    static requestPermission() { return Promise.resolve('granted'); }
    constructor(title, options) { window.__notes.push({ title, body: (options && options.body) || '' }); }
  }
  class FakeAudio {
    constructor() { this.currentTime = 0; this.destination = {}; }
    createOscillator() {
      const osc = { frequency: { value: 0 }, connect: (g) => g, start: () => window.__beeps.push(osc.frequency.value), stop: () => undefined };
      return osc;
    }
    createGain() { return { gain: { value: 0 }, connect: (d) => d }; }
  }
  window.Notification = FakeNotification;
  window.AudioContext = FakeAudio;
`;

const inView = (p: Page, id: string) => p.locator(`[data-testid="station-view"] [data-testid="${id}"]`);
const tileOf = (p: Page, device: string) => p.locator('[data-testid="station-view"] .slot-tile', { has: p.getByText(device, { exact: true }) });

describe('the Station view: size limit, announcements, exports, a job held by another client', { skip }, () => {
  let home = '';
  let station: StationProcess | null = null;
  let browser: Browser | null = null;
  const slots: ZramCard[] = [];
  const errors: string[] = [];
  let image = '';
  let bytes: Buffer = Buffer.alloc(0);
  let a: Page | null = null;

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'wb-ui-station-'));
    image = join(home, 'station.img');
    bytes = Buffer.alloc(2 * MiB);
    for (let i = 0; i < bytes.length; i += 4096) bytes.writeUInt32LE((i * 2654435761) >>> 0, i);
    writeFileSync(image, bytes);
    slots.push(createZramCard(0), createZramCard(0));
    station = await startStationProcess(REPO, { WALT_BENCH_HOME: join(home, 'state'), WALT_BENCH_VIRTUAL_DRIVES: '1' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close().catch(() => undefined);
    await station?.stop().catch(() => undefined);
    for (const s of slots) s.remove();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  /** A page in its own browser context: its own sessionStorage, so its own page id (another client). */
  const openPage = async (): Promise<Page> => {
    const ctx: BrowserContext = await browser!.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await ctx.addInitScript("localStorage.setItem('walt-bench.system-check-shown', '1')");
    await ctx.addInitScript(RECORD_ANNOUNCEMENTS);
    const p = await ctx.newPage();
    p.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    p.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    await p.goto(station!.url);
    await p.locator('[data-testid="connection-state"]').filter({ hasText: /connected$/ }).waitFor({ timeout: 20_000 });
    await p.locator('[data-testid="tab-station"]').click();
    return p;
  };

  /** The station's own view of the jobs, over its API with the token (what any client's status shows). */
  const status = async (): Promise<StationJobData[]> => {
    const res = await fetch(`${station!.origin}/api/call/stationJob.status`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${station!.token}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    return ((await res.json()) as { result: { jobs: StationJobData[] } }).result.jobs;
  };

  it('the size limit typed in the view reaches the armed job; a card over it is refused with the reason, one under it is written, announced and exported', { timeout: 120_000 }, async () => {
    const [big, good] = slots as [ZramCard, ZramCard];
    a = await openPage();
    const p = a;
    for (const s of slots) {
      const row = p.locator(`[data-testid="station-view"] [data-testid="slot-row"][data-slot="${s.device}"]`);
      await row.locator('[data-testid="slot-enroll"]').click();
      await row.locator('[data-testid="slot-use"]').check();
    }
    await inView(p, 'choose-image').click();
    await inView(p, 'file-path-input').fill(image);
    await inView(p, 'file-path-input').press('Enter');
    await inView(p, 'image-info').waitFor();
    await inView(p, 'station-count').fill('1');
    await inView(p, 'station-sound').check();

    // The default is the setting (128 GB); more than it is capped, and the view says so.
    const limit = inView(p, 'station-size-limit');
    assert.equal(await limit.inputValue(), '128');
    await limit.fill('500');
    assert.match(await inView(p, 'station-size-limit-note').innerText(), /^At most 128 GB: the station's size limit \(the stationSizeLimitBytes setting\) is the ceiling/);
    await limit.fill('0.02');
    assert.match(await inView(p, 'station-size-limit-note').innerText(), /^A card larger than 0\.02 GB is never written\. At most 128 GB/);
    mkdirSync(SHOTS, { recursive: true });
    await inView(p, 'station-arm-panel').screenshot({ path: join(SHOTS, 'station-size-limit.png') });
    await inView(p, 'station-arm').click();
    await inView(p, 'station-job-size-limit').filter({ hasText: '0.02 GB' }).waitFor({ timeout: 15_000 });
    const [armed] = await status();
    assert.equal(armed?.state, 'armed');
    assert.equal(armed?.sizeLimit, 20_000_000, 'the job is armed with the limit typed in the view');

    // A 32 MiB card (33554432 bytes > 20 MB) is refused with the reason, and never written.
    writeFileSync(`/sys/block/zram${big.index}/disksize`, String(32 * MiB));
    const refused = tileOf(p, big.device).locator('[data-testid="slot-tile-state"]');
    await refused.filter({ hasText: 'not written' }).waitFor({ timeout: 15_000 });
    assert.equal(
      await refused.innerText(),
      `not written: ${big.device} holds 33554432 bytes, over the job's size limit of 20000000: never written`,
    );
    assert.ok(readHead(big.device, bytes.length).equals(Buffer.alloc(bytes.length)), 'the refused card is untouched');

    // An 8 MiB card is written, verified, counted and announced on the page, as a notification and a beep.
    writeFileSync(`/sys/block/zram${good.index}/disksize`, String(8 * MiB));
    await inView(p, 'station-announcement').filter({ hasText: /^slot 2: card 1 of 1 done, remove it$/ }).waitFor({ timeout: 30_000 });
    await inView(p, 'station-job-state').filter({ hasText: /complete/ }).waitFor();
    assert.ok(readHead(good.device, bytes.length).equals(bytes), 'the card holds the image');
    const heard = (await p.evaluate('({ notes: window.__notes, beeps: window.__beeps })')) as { notes: { title: string; body: string }[]; beeps: number[] };
    assert.deepEqual(heard.notes, [{ title: 'walt-bench: card done', body: 'slot 2: card 1 of 1 done, remove it' }]);
    assert.deepEqual(heard.beeps, [880], 'one high beep for a card done');

    // The exports: the job's card, as the table shows it.
    const [csvDownload] = await Promise.all([p.waitForEvent('download'), inView(p, 'export-csv').click()]);
    assert.equal(csvDownload.suggestedFilename(), `station-${armed!.jobId}.csv`);
    const csv = readFileSync((await csvDownload.path())!, 'utf8').trim().split('\r\n');
    assert.equal(csv[0], 'seq,number,slot,device,size,serial,description,result,error,startedAt,durationMs,bytes,speed,verified,ejected');
    assert.equal(csv.length, 2, csv.join('\n'));
    const row = csv[1]!.split(',');
    assert.deepEqual([row[0], row[1], row[2], row[3], row[4], row[7], row[13]], ['1', '1', good.device, good.device, String(8 * MiB), 'ok', 'true']);
    const [jsonDownload] = await Promise.all([p.waitForEvent('download'), inView(p, 'export-json').click()]);
    const json = JSON.parse(readFileSync((await jsonDownload.path())!, 'utf8')) as { number: number; slot: string; result: string; verified: boolean; bytes: number }[];
    assert.deepEqual(json.map((c) => [c.number, c.slot, c.result, c.verified]), [[1, good.device, 'ok', true]]);
    assert.ok(json[0]!.bytes >= bytes.length, 'the exported card counts the bytes written');
    for (const s of slots) writeFileSync(`/sys/block/zram${s.index}/reset`, '1');
  });

  it('another client sees who holds the armed job and why it cannot change it; it disarms it only after confirming', { timeout: 90_000 }, async () => {
    assert.ok(a, 'the first test left its page open');
    const owner = a;
    await inView(owner, 'station-arm').click();
    await inView(owner, 'station-job-state').filter({ hasText: /: armed/ }).waitFor({ timeout: 15_000 });
    const [job] = await status();
    assert.equal(job?.state, 'armed');
    await inView(owner, 'station-disarm').waitFor();
    assert.equal(await inView(owner, 'station-held-by-other').count(), 0, 'the page that armed the job holds it');

    const other = await openPage();
    await inView(other, 'station-held-by-other').waitFor({ timeout: 15_000 });
    assert.equal(await inView(other, 'station-holder').innerText(), job!.armedBy);
    assert.match(job!.armedBy, /^station 127\.0\.0\.1 #[0-9a-f]{6}$/);
    assert.match(await inView(other, 'station-held-by-other').innerText(), /only lets the client that armed a job change or disarm it/);
    assert.equal(await inView(other, 'station-disarm').count(), 0, 'no plain Disarm for a job another client holds');
    await inView(other, 'station-counter').screenshot({ path: join(SHOTS, 'station-held-by-other.png') });

    // Cancel first: nothing changes; then confirm: disarmed, forced, both clients named.
    await inView(other, 'station-force-disarm').click();
    await other.locator('[data-testid="station-force-disarm-dialog"]').getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await status())[0]?.state, 'armed');
    await inView(other, 'station-force-disarm').click();
    await other.locator('[data-testid="station-force-disarm-confirm"]').click();
    for (const pg of [other, owner]) await inView(pg, 'station-job-state').filter({ hasText: /: disarmed/ }).waitFor({ timeout: 15_000 });
    const [ended] = await status();
    assert.equal(ended?.state, 'disarmed');
    assert.match(ended!.endReason!, new RegExp(`^disarmed by station 127\\.0\\.0\\.1 #[0-9a-f]{6} \\(forced; armed by ${job!.armedBy}\\)$`));
    assert.ok(!ended!.endReason!.startsWith(`disarmed by ${job!.armedBy}`), 'the other client disarmed it');
    const journal = readFileSync(join(home, 'state', 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(journal.some((l) => l.audit === 'station' && l.action === 'disarmed' && l.jobId === job!.jobId && l.client !== job!.armedBy));
    assert.deepEqual(errors, []);
  });
});
