/**
 * npm run bench:media: a pc-usb-shaped .dd.gz (25 MiB GPT disk: EFI FAT, BIOS boot, ext4, built as walt-node-boot
 * does, its ext4 copied in sparse) to a zram card throttled to 30 MB/s that holds stale random bytes, verification on,
 * each writer a whole process (start included), best of 3: walt-bench (sparse), `bmaptool copy` with its bmap, and
 * `gunzip | dd oflag=direct conv=fsync` + `cmp`. After each write the card is checked independently (tables, BIOS boot
 * bytes, fsck.vfat -n, e2fsck -fn, every file). Needs root, zram, blkio throttling, bmaptool, the built CLI.
 * BENCH_BASELINE=DIR also runs the CLI of another built checkout in the same run.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/cli.js';
import { checkPcUsbCard } from '../support/media-check.js';
import { makePcUsbImage } from '../support/pc-usb-image.js';
import { throttleAvailable, throttleWrites } from '../support/throttle.js';
import { createZramCard, type ZramCard, zramAvailable } from '../support/zram.js';

const MiB = 1 << 20;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const RATE = 30_000_000;

function staleCard(card: ZramCard): void {
  const fd = openSync(card.device, 'w');
  try {
    for (let at = 0; at < card.size; at += 4 * MiB) writeSync(fd, randomBytes(4 * MiB), 0, 4 * MiB, at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Runs a whole process; its wall time, and for walt-bench --json the card's own time (open, write, verify). */
function timedProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ wall: number; card: number | null }> {
  const t = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let err = '';
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${cmd} exited ${code}: ${err}`));
      const done = out.split('\n').filter((l) => l.includes('"card-done"')).map((l) => JSON.parse(l) as { result: { durationMs: number } })[0];
      resolve({ wall: Number(process.hrtime.bigint() - t) / 1e6, card: done ? done.result.durationMs : null });
    });
  });
}

async function main(): Promise<void> {
  if (!zramAvailable() || !throttleAvailable()) {
    console.log('bench:media needs root, zram and blkio throttling: skipped');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'wb-media-'));
  const img = makePcUsbImage(dir);
  // As walt-node-boot copies its ext4 in: `dd conv=notrunc,sparse` (the all-zero blocks left as holes).
  execFileSync('fallocate', ['--dig-holes', '--offset', String(16 * MiB), '--length', String(8 * MiB), img]);
  execFileSync('bmaptool', ['create', '-o', `${img}.bmap`, img], { stdio: 'ignore' });
  execFileSync('gzip', ['-k', '-n', img]);
  const size = statSync(img).size;
  const card = createZramCard(32 * MiB);
  const untrottle = throttleWrites([{ device: card.device, bytesPerSecond: RATE }]);
  const walt = (extra: string[], root = ROOT) => (home: string) =>
    timedProcess('node', [join(root, 'bin', 'walt-bench.js'), 'flash', `${img}.gz`, '--drive', card.device, '--yes', '--json', ...extra], {
      WALT_BENCH_HOME: home,
      WALT_BENCH_VIRTUAL_DRIVES: '1',
    });
  const peers: { name: string; run: (home: string) => Promise<{ wall: number; card: number | null }> }[] = [
    { name: 'walt-bench flash (sparse)', run: walt([]) },
    { name: 'walt-bench flash --full', run: walt(['--full']) },
    // BENCH_BASELINE=DIR: a built checkout of another commit, in the same run (figures on a shared machine drift).
    ...(process.env.BENCH_BASELINE ? [{ name: 'baseline walt-bench (sparse)', run: walt([], process.env.BENCH_BASELINE) }] : []),
    { name: 'bmaptool copy', run: () => timedProcess('bmaptool', ['-q', 'copy', '--bmap', `${img}.bmap`, `${img}.gz`, card.device]) },
    {
      name: 'gunzip | dd + cmp',
      run: () =>
        timedProcess('sh', [
          '-c',
          `gunzip -c '${img}.gz' | dd of=${card.device} bs=4M iflag=fullblock oflag=direct conv=fsync status=none && gunzip -c '${img}.gz' | cmp -n ${size} - ${card.device}`,
        ]),
    },
  ];
  const results: { name: string; best: number; runs: number[]; card: number | null; check: string }[] = [];
  try {
    for (const peer of peers) {
      const runs: number[] = [];
      const cardTimes: number[] = [];
      let check = '';
      for (let i = 0; i < RUNS; i += 1) {
        staleCard(card);
        const home = mkdtempSync(join(dir, 'home-'));
        const { wall, card: cardMs } = await peer.run(home);
        runs.push(wall);
        if (cardMs !== null) cardTimes.push(cardMs);
        const problems = checkPcUsbCard(card.device, img);
        check = problems.length === 0 ? 'card checks clean' : `CARD BROKEN: ${problems.map((p) => p.split('\n')[0]).join('; ')}`;
      }
      results.push({ name: peer.name, best: Math.min(...runs), runs, card: cardTimes.length ? Math.min(...cardTimes) : null, check });
    }
  } finally {
    untrottle();
    card.remove();
    rmSync(dir, { recursive: true, force: true });
  }
  const bmap = results.find((r) => r.name === 'bmaptool copy')!.best;
  console.log(`pc-usb-shaped .dd.gz (${size / MiB} MiB) to a zram card at ${RATE / 1e6} MB/s with stale data, verified, process start included, best of ${RUNS}:`);
  for (const r of results) {
    const card = r.card === null ? '' : `, the card itself ${(r.card / 1000).toFixed(2)} s`;
    console.log(`  ${r.name.padEnd(28)} ${(r.best / 1000).toFixed(2)} s  (${(r.best / bmap).toFixed(2)}x bmaptool; runs ${r.runs.map((x) => (x / 1000).toFixed(2)).join(' ')}${card})  ${r.check}`);
  }
}

void main();
