import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { randomFile } from '../support/backend.js';
import { assertBuilt, runCli } from '../support/cli.js';
import { type JsonProcess, startCliJson } from '../support/cli-process.js';
import { throttleAvailable, throttleWrites } from '../support/throttle.js';
import { createZramCard, readHead, type ZramCard, zramAvailable } from '../support/zram.js';

const MiB = 1 << 20;
const SIZE = 32 * MiB;
const skip = zramAvailable() ? (throttleAvailable() ? false : 'needs blkio cgroup') : 'needs root and zram';

interface Rec {
  device: string;
  result: string;
  bytes: number;
  error: string | null;
  imageName: string;
}
interface Done {
  results: { device: string; ok: boolean; bytes: number; error: string | null }[];
}

describe('signals and the journal, with the built CLI on throttled zram cards', { skip }, () => {
  let dir: string;
  let img: string;
  const cards: ZramCard[] = [];
  const clis: JsonProcess[] = [];
  let restore: (() => void) | null = null;
  let n = 0;

  before(() => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'wb-journal-'));
    img = join(dir, 'node.img');
    randomFile(img, SIZE);
  });
  after(async () => {
    for (const c of clis) await c.stop();
    restore?.();
    for (const c of cards) c.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh state folder and a card writing at 8 MiB/s (4 s for the image). */
  function setup(readBytesPerSecond?: number): { env: NodeJS.ProcessEnv; home: string; card: ZramCard } {
    n += 1;
    const home = join(dir, `home${n}`);
    const card = createZramCard(64 * MiB);
    cards.push(card);
    restore?.();
    restore = throttleWrites([{ device: card.device, bytesPerSecond: 8 * MiB, ...(readBytesPerSecond ? { readBytesPerSecond } : {}) }]);
    return { env: { WALT_BENCH_HOME: home, WALT_BENCH_VIRTUAL_DRIVES: '1' }, home, card };
  }

  async function journal(env: NodeJS.ProcessEnv): Promise<{ records: Rec[]; stderr: string; status: number | null }> {
    const { stdout, stderr, status } = await runCli(['journal', '--json'], env);
    return { records: status === 0 ? (JSON.parse(stdout) as Rec[]) : [], stderr, status };
  }

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    it(`${signal} while writing cancels the card, journals the bytes written and exits ${code}`, async () => {
      const { env, card } = setup();
      const cli = startCliJson(['flash', img, '--drive', card.device, '--yes', '--json'], env);
      clis.push(cli);
      await cli.waitFor((l) => l.event === 'progress' && l.phase === 'write' && (l.bytes as number) >= 8 * MiB, 30000);
      cli.child.kill(signal);
      assert.equal(await cli.exited, code, cli.stderr());
      const done = cli.lines.find((l) => l.event === 'done') as unknown as Done;
      const result = done.results[0]!;
      assert.equal(result.ok, false);
      assert.equal(result.error, 'cancelled by the technician');
      assert.ok(result.bytes >= 8 * MiB && result.bytes < SIZE, `bytes ${result.bytes}`);
      const { records } = await journal(env);
      assert.equal(records.length, 1);
      assert.deepEqual([records[0]!.result, records[0]!.bytes], ['cancelled', result.bytes]);
      assert.ok(readHead(card.device, MiB).every((x) => x === 0), 'the partition table chunk (written last) was never written');
    });
  }

  it('SIGINT while verifying cancels the card: journaled cancelled with every byte written, not verified', async () => {
    const { env, card } = setup(4 * MiB);
    const cli = startCliJson(['flash', img, '--drive', card.device, '--yes', '--json'], env);
    clis.push(cli);
    await cli.waitFor((l) => l.event === 'progress' && l.phase === 'verify' && (l.bytes as number) > 0, 30000);
    cli.child.kill('SIGINT');
    assert.equal(await cli.exited, 130, cli.stderr());
    const { records } = await journal(env);
    assert.deepEqual(records.map((r) => [r.result, r.bytes, (r as unknown as { verified: boolean }).verified]), [['cancelled', SIZE, false]]);
  });

  it('a second Ctrl-C quits without waiting for the cancel (exit 130); the journal then shows the attempt as interrupted, all bytes written', async () => {
    // Reads at 1 MiB/s: a 4 MiB verification read in flight keeps the graceful cancel waiting for seconds.
    const { env, card } = setup(1 * MiB);
    const cli = startCliJson(['flash', img, '--drive', card.device, '--yes', '--json'], env);
    clis.push(cli);
    await cli.waitFor((l) => l.event === 'progress' && l.phase === 'verify', 30000);
    const t0 = Date.now();
    cli.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 300));
    cli.child.kill('SIGINT');
    assert.equal(await cli.exited, 130, cli.stderr());
    // The kernel lets the process die only once the read in flight completes (up to 4 s here), graceful or not:
    // what tells the forced exit is that nothing was journaled after the started line and checkpoints.
    process.stderr.write(`# forced quit ${Date.now() - t0} ms after the first SIGINT\n`);
    assert.equal(cli.lines.find((l) => l.event === 'done'), undefined, 'forced: no done line');
    const { records } = await journal(env);
    assert.deepEqual(records.map((r) => [r.result, r.bytes]), [['interrupted', SIZE]]);
  });

  it('SIGINT while decompressing stops at once: nothing written, no .part left, journaled as cancelled, exit 130', async () => {
    const { env, home, card } = setup();
    const bz = join(dir, 'node.img.bz2');
    if (!existsSync(bz)) execFileSync('bzip2', ['-1', '-k', img]);
    const cli = startCliJson(['flash', bz, '--drive', card.device, '--yes', '--json'], env);
    clis.push(cli);
    await cli.waitFor((l) => l.event === 'progress' && l.phase === 'decompress', 30000);
    cli.child.kill('SIGINT');
    assert.equal(await cli.exited, 130, cli.stderr());
    // the session had started (decompression is its first phase): the card ends cancelled, 0 bytes, and is journaled
    assert.deepEqual(cli.lines.at(-1), { event: 'done', results: [{ device: card.device, ok: false, verified: false, bytes: 0, error: 'cancelled by the technician' }] });
    assert.deepEqual(readdirSync(join(home, 'cache')).filter((f) => f.endsWith('.part') || f.endsWith('.img')), []);
    assert.ok(readHead(card.device, 4 * MiB).every((x) => x === 0));
    assert.deepEqual((await journal(env)).records.map((r) => [r.device, r.result, r.bytes]), [[card.device, 'cancelled', 0]]);
  });

  it('kill -9 mid-write leaves a started record that the next start shows as interrupted, with the bytes known', async () => {
    const { env, card } = setup();
    const cli = startCliJson(['flash', img, '--drive', card.device, '--yes', '--json'], env);
    clis.push(cli);
    await cli.waitFor((l) => l.event === 'progress' && l.phase === 'write' && (l.bytes as number) > 0, 30000);
    const during = await journal(env);
    assert.deepEqual(during.records.map((r) => r.result), ['in-progress'], 'another process reading the journal sees the attempt running');
    const seen = await cli.waitFor((l) => l.event === 'progress' && l.phase === 'write' && (l.bytes as number) >= 16 * MiB, 30000);
    cli.child.kill('SIGKILL');
    assert.equal(await cli.exited, null);
    const { records } = await journal(env);
    assert.equal(records.length, 1);
    const r = records[0]!;
    assert.equal(r.result, 'interrupted');
    assert.equal(r.device, card.device);
    assert.match(r.error!, /interrupted: walt-bench stopped before this card finished/);
    // A checkpoint every tenth of the image: at most a tenth behind what the process had reported.
    assert.ok(r.bytes >= (seen.bytes as number) - SIZE / 10 && r.bytes <= SIZE, `journaled ${r.bytes}, seen ${String(seen.bytes)}`);
    const table = await runCli(['journal'], env);
    assert.match(table.stdout, new RegExp(`${card.device}\\s+interrupted`));
  });

  it('a torn last line is skipped with a warning and the next record is appended whole after it', async () => {
    const { env, home, card } = setup();
    mkdirSync(home, { recursive: true });
    const old = { time: '2026-11-30T10:00:00.000Z', device: '/dev/sdz', size: 1, description: 'old', serial: null, imageName: 'old.img', imageSha256: null, bytes: 1, durationMs: 1, averageSpeed: 1, verified: true, result: 'ok', error: null };
    writeFileSync(join(home, 'journal.jsonl'), `${JSON.stringify(old)}\n{"time":"2026-12-01T10:00:00.000Z","device":"/dev/sd`);
    restore?.();
    restore = null; // full speed: this one only needs to finish
    const { status, stderr } = await runCli(['flash', img, '--drive', card.device, '--yes', '--json'], env);
    assert.equal(status, 0, stderr);
    const { records, stderr: warning } = await journal(env);
    assert.match(warning, /journal lines 2 are damaged and were skipped/);
    assert.deepEqual(records.map((r) => [r.device, r.result]), [['/dev/sdz', 'ok'], [card.device, 'ok']]);
    assert.equal(records[1]!.bytes, SIZE);
    const text = readFileSync(join(home, 'journal.jsonl'), 'utf8').split('\n');
    assert.equal(text[1], '{"time":"2026-12-01T10:00:00.000Z","device":"/dev/sd', 'the torn line is left as it was, alone on its line');
  });

  it('a journal.jsonl that is a symlink is refused: the victim file is unchanged and the card untouched', async () => {
    const { env, home, card } = setup();
    mkdirSync(home, { recursive: true });
    const victim = join(dir, 'victim.conf');
    writeFileSync(victim, 'root-owned settings\n');
    symlinkSync(victim, join(home, 'journal.jsonl'));
    const { status, stdout } = await runCli(['flash', img, '--drive', card.device, '--yes', '--json'], env);
    assert.equal(status, 1);
    const done = JSON.parse(stdout.trim().split('\n').at(-1)!) as Done;
    assert.match(done.results[0]!.error!, /journal\.jsonl is a symbolic link: walt-bench never writes its journal through a link/);
    assert.equal(readFileSync(victim, 'utf8'), 'root-owned settings\n');
    assert.ok(readHead(card.device, 4 * MiB).every((x) => x === 0), 'nothing written without a journal');
    const listed = await journal(env);
    assert.notEqual(listed.status, 0);
    assert.match(listed.stderr, /is a symbolic link/);
  });
});
