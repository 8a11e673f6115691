/**
 * npm run bench:startup: the CLI's fixed cost, process start included, medians of BENCH_RUNS runs (default 7).
 * - `walt-bench --help` wall time, against `node -e 0` (the floor: Node's own start) in the same run.
 * - `walt-bench flash pc-usb.dd.gz --drive /dev/zramN --yes --json`: process start -> first byte on the card, and
 *   the whole run, against `gunzip -c | dd oflag=direct conv=fsync` on the same card in the same run.
 * The first byte on the card is seen the same way for both: the card's own count of sectors written
 * (/sys/block/zramN/stat, field 7) polled every millisecond from spawn on, the card reset before each run.
 * Each walt-bench figure twice: a new state folder (the image decompressed and hashed before the first write) and a
 * state folder already holding the image (a second card). walt-bench's first write progress line, timestamped as it
 * arrives, is printed too. BENCH_BASELINE=DIR (a built checkout of another commit) measures that CLI in the same run.
 * Needs the built CLI (npm run build); the flash part needs root and zram.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/cli.js';
import { makePcUsbImage } from '../support/pc-usb-image.js';
import { createZramCard, resetCard, sectorsWritten, type ZramCard, zramAvailable } from '../support/zram.js';

const MiB = 1 << 20;
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const CLI = join(ROOT, 'bin', 'walt-bench.js');

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const now = (): number => Number(process.hrtime.bigint()) / 1e6;



/** One process run from spawn: its wall time, and (with a card) when the card saw its first written sector. */
function timedRun(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  card?: ZramCard,
): Promise<{ wallMs: number; firstByteMs: number | null; phases: Map<string, number> }> {
  return new Promise((resolve, reject) => {
    const baseline = card ? sectorsWritten(card) : 0;
    let firstByteMs: number | null = null;
    const t0 = now();
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    // The first --json progress line of each phase, as it arrives.
    const phases = new Map<string, number>();
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      const at = now() - t0;
      out += d.toString();
      let nl: number;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        const phase = /"event":"progress".*"phase":"(\w+)"/.exec(line)?.[1];
        if (phase && !phases.has(phase)) phases.set(phase, at);
      }
    });
    const poll = card
      ? setInterval(() => {
          if (firstByteMs === null && sectorsWritten(card) > baseline) firstByteMs = now() - t0;
        }, 1)
      : null;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = now() - t0;
      if (poll) clearInterval(poll);
      if (card && firstByteMs === null && sectorsWritten(card) > baseline) firstByteMs = wallMs;
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr}`));
      else resolve({ wallMs, firstByteMs, phases });
    });
  });
}

const fmt = (ms: number): string => `${ms.toFixed(0)} ms`;
const ratio = (a: number[], b: number[]): string => `${(median(a) / median(b)).toFixed(2)}x`;

/** The CLIs measured: this tree, and (BENCH_BASELINE=DIR, a built checkout of another commit) that one. */
function clis(): { name: string; bin: string }[] {
  const list = [{ name: 'walt-bench', bin: CLI }];
  if (process.env.BENCH_BASELINE) list.push({ name: 'baseline', bin: join(process.env.BENCH_BASELINE, 'bin', 'walt-bench.js') });
  return list;
}

/** One CLI's flash figures: first byte on the card, first write progress line, whole run. */
interface FlashFigures {
  first: number[];
  writeLine: number[];
  wall: number[];
}

const figures = (): FlashFigures => ({ first: [], writeLine: [], wall: [] });

async function main(): Promise<void> {
  const floors: number[] = [];
  const helps = new Map(clis().map((c) => [c.name, [] as number[]]));
  for (let i = 0; i < RUNS; i += 1) {
    floors.push((await timedRun(process.execPath, ['-e', '0'], {})).wallMs);
    for (const c of clis()) helps.get(c.name)!.push((await timedRun(process.execPath, [c.bin, '--help'], {})).wallMs);
  }
  for (const [name, xs] of helps) {
    console.log(`${name} --help: ${fmt(median(xs))} (node -e 0: ${fmt(median(floors))}; ${ratio(xs, floors)})`);
  }
  if (!zramAvailable()) {
    console.log('flash first byte needs root and zram: skipped');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'wb-startup-'));
  const card = createZramCard(32 * MiB);
  try {
    const img = makePcUsbImage(dir);
    execFileSync('gzip', ['-k', img]);
    const gz = `${img}.gz`;
    // cold: a new state folder each run (the image is decompressed and hashed first); warm: the image is in the cache.
    const runs = clis().flatMap((c) => (['cold', 'warm'] as const).map((cache) => ({ ...c, cache, key: `${c.name} (${cache} cache)`, f: figures() })));
    const dd = { first: [] as number[], wall: [] as number[] };
    for (let i = 0; i < RUNS; i += 1) {
      for (const r of runs) {
        const home = join(dir, r.cache === 'cold' ? `home-${r.name}-${i}` : `home-${r.name}-warm`);
        resetCard(card);
        const env = { WALT_BENCH_HOME: home, WALT_BENCH_VIRTUAL_DRIVES: '1' };
        const w = await timedRun(process.execPath, [r.bin, 'flash', gz, '--drive', card.device, '--yes', '--json'], env, card);
        execFileSync('cmp', ['-n', String(25 * MiB), img, card.device]);
        if (w.firstByteMs === null) throw new Error(`${r.key}: the card saw no write`);
        // The warm state folder's first run fills the cache: not a warm figure.
        if (r.cache === 'warm' && i === 0) continue;
        r.f.first.push(w.firstByteMs);
        r.f.writeLine.push(w.phases.get('write') ?? Number.NaN);
        r.f.wall.push(w.wallMs);
      }
      resetCard(card);
      const pipe = `gunzip -c '${gz}' | dd of=${card.device} bs=4M iflag=fullblock oflag=direct conv=fsync status=none && cmp -n ${25 * MiB} '${img}' ${card.device}`;
      const d = await timedRun('sh', ['-c', pipe], {}, card);
      if (d.firstByteMs === null) throw new Error('gunzip | dd: the card saw no write');
      dd.first.push(d.firstByteMs);
      dd.wall.push(d.wallMs);
    }
    console.log(`pc-usb.dd.gz (25 MiB) -> zram, process start -> first byte on the card (gunzip | dd: ${fmt(median(dd.first))}):`);
    for (const r of runs) {
      console.log(
        `  ${r.key}: ${fmt(median(r.f.first))} (${ratio(r.f.first, dd.first)} gunzip | dd), first write line ` +
          `${fmt(median(r.f.writeLine))}`,
      );
    }
    console.log(`pc-usb.dd.gz (25 MiB) -> zram, whole run, verification on (gunzip | dd + cmp: ${fmt(median(dd.wall))}):`);
    for (const r of runs) console.log(`  ${r.key}: ${fmt(median(r.f.wall))} (${ratio(r.f.wall, dd.wall)})`);
  } finally {
    card.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
