import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { randomFile } from '../support/backend.js';
import { assertBuilt, ROOT, runCli } from '../support/cli.js';
import { type JsonProcess, startCliJson } from '../support/cli-process.js';
import { throttleAvailable, throttleWrites } from '../support/throttle.js';
import { createZramCard, readHead, type ZramCard, zramAvailable } from '../support/zram.js';

const MiB = 1 << 20;
const skip = zramAvailable() ? (throttleAvailable() ? false : 'needs blkio cgroup') : 'needs root and zram';

interface Done {
  event: 'done';
  results: { device: string; ok: boolean; verified: boolean; bytes: number; error: string | null }[];
}
interface CardDone {
  event: 'card-done';
  result: { device: string; ok: boolean; durationMs: number; error: string | null };
}

/** Starts the O_EXCL holder (a python program) and waits until it holds the card. */
async function holdExclusive(device: string): Promise<ChildProcess> {
  const child = spawn('python3', [join(ROOT, 'test', 'support', 'hold-exclusive.py'), device], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`hold-exclusive.py exited ${code}`)));
  });
  return child;
}

function lines(stdout: string): Record<string, unknown>[] {
  return stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('cards held by someone else', { skip }, () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let imgA: string;
  let imgB: string;
  const cards: ZramCard[] = [];
  const children: ChildProcess[] = [];
  const clis: JsonProcess[] = [];

  before(() => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'wb-busy-'));
    env = { WALT_BENCH_HOME: join(dir, 'home'), WALT_BENCH_VIRTUAL_DRIVES: '1' };
    imgA = join(dir, 'a.img');
    imgB = join(dir, 'b.img');
    randomFile(imgA, 16 * MiB);
    randomFile(imgB, 16 * MiB);
  });
  after(async () => {
    for (const c of clis) await c.stop();
    for (const c of children) if (c.exitCode === null && c.signalCode === null && c.pid) process.kill(c.pid, 'SIGKILL');
    for (const c of cards) c.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a card another program holds O_EXCL is refused within a second, naming its PID and program; nothing written', async () => {
    const card = createZramCard(32 * MiB);
    cards.push(card);
    const holder = await holdExclusive(card.device);
    children.push(holder);
    const started = Date.now();
    const { status, stdout } = await runCli(['flash', imgA, '--drive', card.device, '--yes', '--json'], env);
    const wall = Date.now() - started;
    assert.equal(status, 1);
    const out = lines(stdout);
    const cardDone = out.find((l) => l.event === 'card-done') as unknown as CardDone;
    assert.ok(cardDone.result.durationMs < 1000, `refused after ${cardDone.result.durationMs} ms`);
    assert.match(cardDone.result.error!, new RegExp(`${card.device} is busy \\(EBUSY\\): held by PID ${holder.pid} \\(python3 hold-exclusive\\.py\\); nothing was written`));
    assert.match(cardDone.result.error!, new RegExp(`kill ${holder.pid}`));
    assert.ok(readHead(card.device, 4 * MiB).every((x) => x === 0), 'the card is untouched');
    process.kill(holder.pid!, 'SIGKILL');
    await new Promise((r) => holder.once('close', r));
    // Released: the same card writes at once.
    const again = await runCli(['flash', imgA, '--drive', card.device, '--yes', '--json'], env);
    assert.equal(again.status, 0, again.stderr);
    execFileSync('cmp', ['-n', String(16 * MiB), imgA, card.device]);
    process.stderr.write(`# busy refusal: ${cardDone.result.durationMs} ms in the service, ${wall} ms for the whole CLI run\n`);
  });

  it('a second walt-bench flash on a card the first is writing is refused and the card holds the first image', async () => {
    const card = createZramCard(32 * MiB);
    cards.push(card);
    // 8 s of writing: the second process has time to start while the first holds the card.
    const restore = throttleWrites([{ device: card.device, bytesPerSecond: 2 * MiB }]);
    try {
      const first = startCliJson(['flash', imgA, '--drive', card.device, '--yes', '--json'], env);
      clis.push(first);
      await first.waitFor((l) => l.event === 'progress' && l.phase === 'write' && (l.bytes as number) > 0, 30000);
      assert.equal(first.child.exitCode, null);
      const second = await runCli(['flash', imgB, '--drive', card.device, '--yes', '--json'], env);
      assert.equal(second.status, 1, second.stderr);
      const cardDone = lines(second.stdout).find((l) => l.event === 'card-done') as unknown as CardDone;
      assert.ok(cardDone.result.durationMs < 1000, `refused after ${cardDone.result.durationMs} ms`);
      assert.match(cardDone.result.error!, new RegExp(`held by PID ${first.child.pid} \\(node walt-bench\\.js\\)`));
      assert.equal(await first.exited, 0, first.stderr());
      const done = first.lines.at(-1) as unknown as Done;
      assert.deepEqual(done.results.map((r) => [r.ok, r.verified, r.bytes]), [[true, true, 16 * MiB]]);
      execFileSync('cmp', ['-n', String(16 * MiB), imgA, card.device]);
    } finally {
      restore();
    }
  });

  it('two walt-bench flashes started together on one card: exactly one writes it, the other is refused naming it', async () => {
    const card = createZramCard(32 * MiB);
    cards.push(card);
    const restore = throttleWrites([{ device: card.device, bytesPerSecond: 4 * MiB }]);
    try {
      const a = startCliJson(['flash', imgA, '--drive', card.device, '--yes', '--json'], env);
      const b = startCliJson(['flash', imgB, '--drive', card.device, '--yes', '--json'], env);
      clis.push(a, b);
      const codes = await Promise.all([a.exited, b.exited]);
      assert.deepEqual([...codes].sort(), [0, 1], `${a.stderr()}\n${b.stderr()}`);
      const [winner, loser, winnerImage] = codes[0] === 0 ? [a, b, imgA] : [b, a, imgB];
      const lost = loser.lines.find((l) => l.event === 'card-done') as unknown as CardDone;
      assert.match(lost.result.error!, new RegExp(`busy \\(EBUSY\\): held by PID ${winner.child.pid} \\(node walt-bench\\.js\\)`));
      execFileSync('cmp', ['-n', String(16 * MiB), winnerImage, card.device]);
      const journal = JSON.parse((await runCli(['journal', '--json'], env)).stdout) as { device: string; result: string }[];
      const mine = journal.filter((r) => r.device === card.device).map((r) => r.result);
      assert.deepEqual(mine.sort(), ['failed', 'ok'], 'both attempts journaled, none left open');
    } finally {
      restore();
    }
  });
});

