import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { randomFile } from '../support/backend.js';
import { assertBuilt, runCli } from '../support/cli.js';
import { checkPcUsbCard } from '../support/media-check.js';
import { makePcUsbImage } from '../support/pc-usb-image.js';
import { createZramCard, readHead, type ZramCard, zramAvailable } from '../support/zram.js';

const MiB = 1 << 20;

describe('walt-bench CLI on zram cards', { skip: zramAvailable() ? false : 'needs root and zram' }, () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let img: string;
  const cards: ZramCard[] = [];

  before(() => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'wb-cli-'));
    env = { WALT_BENCH_HOME: join(dir, 'home'), WALT_BENCH_VIRTUAL_DRIVES: '1' };
    img = join(dir, 'node.img');
    randomFile(img, 10 * MiB);
    execFileSync('gzip', ['-k', img]);
  });
  after(() => {
    for (const c of cards) c.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('drives --json lists a card with its eligibility', async () => {
    const card = createZramCard(32 * MiB);
    cards.push(card);
    const { status, stdout } = await runCli(['drives', '--json'], env);
    assert.equal(status, 0);
    const row = (JSON.parse(stdout) as { device: string; eligible: boolean; size: number }[]).find((d) => d.device === card.device);
    assert.deepEqual([row?.eligible, row?.size], [true, 32 * MiB]);
  });

  it('flash --json: progress lines, then the done line; exit 0 when every card succeeded', async () => {
    const a = createZramCard(32 * MiB);
    const b = createZramCard(32 * MiB);
    cards.push(a, b);
    const { status, stdout, stderr } = await runCli(['flash', `${img}.gz`, '--drive', a.device, '--drive', b.device, '--yes', '--json'], env);
    assert.equal(status, 0, stderr);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; results?: unknown });
    assert.ok(lines.some((l) => l.event === 'progress'));
    const done = lines.at(-1) as { event: string; results: { device: string }[] };
    assert.equal(done.event, 'done');
    assert.deepEqual(
      [...done.results].sort((x, y) => x.device.localeCompare(y.device)),
      [
        { device: a.device, ok: true, verified: true, bytes: 10 * MiB, mode: 'full', error: null },
        { device: b.device, ok: true, verified: true, bytes: 10 * MiB, mode: 'full', error: null },
      ].sort((x, y) => x.device.localeCompare(y.device)),
    );
    execFileSync('cmp', ['-n', String(10 * MiB), img, a.device]);
    execFileSync('cmp', ['-n', String(10 * MiB), img, b.device]);
  });

  it('exit 1 when a card fails, naming the cause', async () => {
    const dying = createZramCard(32 * MiB, { memLimit: 2 * MiB });
    cards.push(dying);
    const { status, stdout } = await runCli(['flash', img, '--drive', dying.device, '--yes', '--json'], env);
    assert.equal(status, 1);
    const done = JSON.parse(stdout.trim().split('\n').at(-1)!) as { results: { ok: boolean; error: string }[] };
    assert.equal(done.results[0]!.ok, false);
    assert.match(done.results[0]!.error, /I\/O error .*EIO/);
  });

  it('without --yes and no terminal: asks for --yes and writes nothing', async () => {
    const card = createZramCard(32 * MiB);
    cards.push(card);
    const { status, stderr } = await runCli(['flash', img, '--drive', card.device], env);
    assert.equal(status, 2);
    assert.match(stderr, /These cards will be ERASED:\n  \/dev\/zram\d+/);
    assert.match(stderr, /add --yes/);
    assert.ok(readHead(card.device, MiB).every((x) => x === 0));
  });

  it('refuses an ineligible drive with the reason (exit 3)', async () => {
    const small = createZramCard(4 * MiB);
    cards.push(small);
    const { status, stderr } = await runCli(['flash', img, '--drive', small.device, '--yes'], env);
    assert.equal(status, 3);
    assert.match(stderr, /refused: \/dev\/zram\d+ is too small: 4\.0 MiB for an image of 10\.0 MiB\nnothing was written/);
  });

  it('journal --csv exports every attempt', async () => {
    const { status, stdout } = await runCli(['journal', '--csv'], env);
    assert.equal(status, 0);
    const rows = stdout.trim().split('\r\n');
    assert.match(rows[0]!, /^time,device,size,description,serial,imageName,imageSha256,bytes/);
    assert.equal(rows.length, 1 + 3, 'two ok cards and one failed card');
    assert.equal(rows.filter((r) => r.includes(',ok,')).length, 2);
    assert.equal(rows.filter((r) => r.includes(',failed,')).length, 1);
  });

  it('a zip with several images: names them without --entry, writes the one chosen with it', async () => {
    const other = join(dir, 'other.img');
    randomFile(other, 3 * MiB);
    execFileSync('zip', ['-j', '-q', join(dir, 'two.zip'), img, other]);
    const card = createZramCard(32 * MiB);
    cards.push(card);
    const refused = await runCli(['flash', join(dir, 'two.zip'), '--drive', card.device, '--yes'], env);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /two\.zip holds several images: choose one with --entry \(node\.img, other\.img\)/);
    const chosen = await runCli(['flash', join(dir, 'two.zip'), '--entry', 'other.img', '--drive', card.device, '--yes'], env);
    assert.equal(chosen.status, 0, chosen.stderr);
    execFileSync('cmp', ['-n', String(3 * MiB), other, card.device]);
  });

  it('flash a pc-usb-shaped .dd.gz: written sparse by default, every byte with --full (cmp), the mode in --json and the journal', async () => {
    const pc = makePcUsbImage(dir);
    execFileSync('gzip', ['-k', '-f', pc]);
    const card = createZramCard(32 * MiB);
    cards.push(card);
    const flash = async (extra: string[]) => {
      const { status, stdout, stderr } = await runCli(['flash', `${pc}.gz`, '--drive', card.device, '--yes', '--json', ...extra], env);
      assert.equal(status, 0, stderr);
      return (JSON.parse(stdout.trim().split('\n').at(-1)!) as { results: { ok: boolean; bytes: number; mode: string }[] }).results[0]!;
    };
    const sparse = await flash([]);
    assert.deepEqual([sparse.ok, sparse.mode], [true, 'sparse']);
    assert.ok(sparse.bytes < 12 * MiB, `${sparse.bytes} bytes written sparse`);
    assert.deepEqual(checkPcUsbCard(card.device, pc), []);
    const full = await flash(['--full']);
    assert.deepEqual([full.ok, full.mode, full.bytes], [true, 'full', 25 * MiB]);
    execFileSync('cmp', ['-n', String(25 * MiB), pc, card.device]);
    const { stdout } = await runCli(['journal', '--json', '--limit', '2'], env);
    const modes = (JSON.parse(stdout) as { records: { mode?: string }[] } | { mode?: string }[]);
    const records = Array.isArray(modes) ? modes : modes.records;
    assert.deepEqual(records.map((r) => r.mode).sort(), ['full', 'sparse']);
  });

  it('an unknown option is a usage error (exit 2)', async () => {
    const { status, stderr } = await runCli(['flash', img, '--drvie', '/dev/sdz'], env);
    assert.equal(status, 2);
    assert.match(stderr, /Unknown option '--drvie'/);
  });
});
