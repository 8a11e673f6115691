/**
 * npm run bench:flash: walt-bench's card writer against dd (and a bare etcher-sdk script) on zram cards, same run,
 * same image, every run on a freshly reset card. Prints medians and ratios. Needs root and zram.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomFile, startTestBackend, nextEvent } from '../support/backend.js';
import { ROOT } from '../support/cli.js';
import { createZramCard, type ZramCard, zramAvailable } from '../support/zram.js';
import { throttleAvailable, throttleWrites } from '../support/throttle.js';
import { etcher } from '../../src-main/services/flash/etcher.js';

const MiB = 1 << 20;
const SIZE = 256 * MiB;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function resetCard(c: ZramCard): void {
  writeFileSync(`/sys/block/zram${c.index}/reset`, '1');
  writeFileSync(`/sys/block/zram${c.index}/disksize`, String(c.size));
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: 'ignore' });
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}`))));
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(fn: () => Promise<void>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function main(): Promise<void> {
  if (!zramAvailable()) {
    console.log('bench:flash needs root and zram: skipped');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'wb-bench-'));
  const img = join(dir, 'random.img');
  randomFile(img, SIZE);
  const cards = Array.from({ length: 4 }, () => createZramCard(SIZE + 8 * MiB));
  const t = await startTestBackend();
  const ids = async (cs: ZramCard[]) => {
    const all = await t.api.call('drives.list', {});
    return cs.map((c) => {
      const d = all.find((x) => x.device === c.device)!;
      return { device: d.device, size: d.size, description: d.description, serial: d.serial };
    });
  };
  const walt = async (cs: ZramCard[], verify: boolean, image = img) => {
    for (const c of cs) resetCard(c);
    const drives = await ids(cs);
    return timed(async () => {
      const done = nextEvent(t.api, 'flash.done', undefined, 120000);
      await t.api.call('flash.start', { image, drives, verify });
      const { results } = await done;
      if (!results.every((r) => r.ok)) throw new Error(JSON.stringify(results));
    });
  };
  const dd = async (cs: ZramCard[], withCmp: boolean, image = img, size = SIZE) => {
    for (const c of cs) resetCard(c);
    return timed(async () => {
      await Promise.all(
        cs.map(async (c) => {
          await run('dd', [`if=${image}`, `of=${c.device}`, 'bs=4M', 'oflag=direct', 'conv=fsync', 'status=none']);
          if (withCmp) await run('cmp', ['-n', String(size), image, c.device]);
        }),
      );
    });
  };
  const bareEtcher = async (c: ZramCard) => {
    resetCard(c);
    const { sdk } = etcher();
    return timed(async () => {
      const source = new sdk.sourceDestination.File({ path: img });
      const dest = new sdk.sourceDestination.BlockDevice({
        drive: { raw: c.device, device: c.device, size: c.size, mountpoints: [], isReadOnly: false, blockSize: 4096 } as never,
        write: true,
        direct: true,
        keepOriginal: true,
      });
      await sdk.multiWrite.pipeSourceToDestinations({ source, destinations: [dest], verify: false, numBuffers: 16, onFail: () => undefined, onProgress: () => undefined });
    });
  };

  const rows: Record<string, number[]> = {};
  const add = (k: string, v: number) => (rows[k] ??= []).push(v);
  for (let i = 0; i < RUNS; i += 1) {
    add('dd 1 card', await dd([cards[0]!], false));
    add('walt 1 card', await walt([cards[0]!], false));
    add('etcher-sdk bare 1 card', await bareEtcher(cards[0]!));
    add('dd 4 cards', await dd(cards, false));
    add('walt 4 cards', await walt(cards, false));
    add('dd+cmp 1 card', await dd([cards[0]!], true));
    add('walt write+verify 1 card', await walt([cards[0]!], true));
  }
  // Cards that write like real ones: 4 cards throttled to 20, 30, 45 and 60 MB/s (blkio cgroup), 64 MiB image.
  let throttled: { dd: number; walt: number } | null = null;
  if (throttleAvailable()) {
    const small = join(dir, 'small.img');
    randomFile(small, 64 * MiB);
    const leave = throttleWrites(cards.map((c, i) => ({ device: c.device, bytesPerSecond: [20e6, 30e6, 45e6, 60e6][i]! })));
    try {
      throttled = { dd: await dd(cards, true, small, 64 * MiB), walt: await walt(cards, true, small) };
    } finally {
      leave();
    }
  }
  await t.close();

  // Peak RSS of the real CLI writing 4 cards (verification on).
  for (const c of cards) resetCard(c);
  const rssKb = await new Promise<number>((resolve, reject) => {
    const args = [join(ROOT, 'bin', 'walt-bench.js'), 'flash', img, ...cards.flatMap((c) => ['--drive', c.device]), '--yes', '--json'];
    const p = spawn(process.execPath, args, { env: { ...process.env, WALT_BENCH_HOME: join(dir, 'home'), WALT_BENCH_VIRTUAL_DRIVES: '1' }, stdio: 'ignore' });
    let peak = 0;
    const timer = setInterval(() => {
      try {
        const status = execFileSync('cat', [`/proc/${p.pid}/status`], { encoding: 'utf8' });
        peak = Math.max(peak, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
      } catch {
        // the process has ended
      }
    }, 20);
    p.on('close', (code) => {
      clearInterval(timer);
      if (code === 0) resolve(peak);
      else reject(new Error(`walt-bench flash exited ${code}`));
    });
  });
  for (const c of cards) c.remove();
  rmSync(dir, { recursive: true, force: true });

  const m = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, median(v)]));
  const mbps = (ms: number, n = 1) => ((SIZE * n) / 1e6 / (ms / 1000)).toFixed(0);
  console.log(`bench:flash: 256 MiB incompressible image, zram cards, median of ${RUNS} runs, each on a fresh card`);
  for (const [k, v] of Object.entries(m)) console.log(`  ${k.padEnd(26)} ${v.toFixed(0).padStart(6)} ms`);
  const r1 = m['dd 1 card']! / m['walt 1 card']!;
  const r4 = m['walt 4 cards']! / m['dd 4 cards']!;
  const rv = m['walt write+verify 1 card']! / m['dd+cmp 1 card']!;
  console.log(`  throughput 1 card, verify off: walt ${mbps(m['walt 1 card']!)} MB/s, dd ${mbps(m['dd 1 card']!)} MB/s, bare etcher-sdk ${mbps(m['etcher-sdk bare 1 card']!)} MB/s`);
  console.log(`  ratio walt/dd throughput (1 card)        ${r1.toFixed(2)}x  (target >= 0.95x)`);
  console.log(`  ratio walt/dd wall time (4 cards)        ${r4.toFixed(2)}x  (target <= 1.05x)`);
  console.log(`  ratio walt write+verify / dd+cmp wall    ${rv.toFixed(2)}x  (target <= 1.0x)`);
  console.log(`  peak RSS of walt-bench flash, 4 cards    ${(rssKb / 1024).toFixed(0)} MB  (target < 300 MB)`);
  if (throttled) {
    console.log(
      `  real-card-like (4 cards at 20/30/45/60 MB/s, 64 MiB, verify): walt ${throttled.walt.toFixed(0)} ms, ` +
        `dd+cmp ${throttled.dd.toFixed(0)} ms, ratio ${(throttled.walt / throttled.dd).toFixed(2)}x`,
    );
  }
}

void main();
