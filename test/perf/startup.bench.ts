/**
 * npm run bench:startup: the CLI's fixed cost, process start included, medians of BENCH_RUNS runs (default 7).
 * - `walt-bench --help` wall time, against `node -e 0` (the floor: Node's own start) in the same run.
 * - `walt-bench flash pc-usb.dd.gz --drive /dev/zramN --yes --json`: process start -> first byte on the card, and
 *   the whole run, against `gunzip -c | dd oflag=direct conv=fsync` on the same card in the same run.
 * The first byte on the card is seen the same way for both: the card's own count of sectors written
 * (/sys/block/zramN/stat, field 7) polled every millisecond from spawn on, the card reset before each run.
 * walt-bench's own --json progress lines, timestamped as they arrive, split its time: start -> decompression begins
 * (modules, image check, drive list), and the first write progress line.
 * Needs the built CLI (npm run build); the flash part needs root and zram.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/cli.js';
import { makePcUsbImage } from '../support/pc-usb-image.js';
import { createZramCard, type ZramCard, zramAvailable } from '../support/zram.js';

const MiB = 1 << 20;
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const CLI = join(ROOT, 'bin', 'walt-bench.js');

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Sectors the card has written so far (the kernel's count, field 7 of its stat file). */
function sectorsWritten(card: ZramCard): number {
  return Number(readFileSync(`/sys/block/zram${card.index}/stat`, 'utf8').trim().split(/\s+/)[6]);
}

function resetCard(card: ZramCard): void {
  writeFileSync(`/sys/block/zram${card.index}/reset`, '1');
  writeFileSync(`/sys/block/zram${card.index}/disksize`, String(card.size));
}

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

async function main(): Promise<void> {
  const helps: number[] = [];
  const floors: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    floors.push((await timedRun(process.execPath, ['-e', '0'], {})).wallMs);
    helps.push((await timedRun(process.execPath, [CLI, '--help'], {})).wallMs);
  }
  console.log(`walt-bench --help: ${fmt(median(helps))} (node -e 0: ${fmt(median(floors))}; ${(median(helps) / median(floors)).toFixed(2)}x)`);
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
    const env = { WALT_BENCH_HOME: join(dir, 'home'), WALT_BENCH_VIRTUAL_DRIVES: '1' };
    const walt = { first: [] as number[], wall: [] as number[], decompress: [] as number[], write: [] as number[] };
    const dd = { first: [] as number[], wall: [] as number[] };
    for (let i = 0; i < RUNS; i += 1) {
      resetCard(card);
      const w = await timedRun(process.execPath, [CLI, 'flash', gz, '--drive', card.device, '--yes', '--json'], env, card);
      execFileSync('cmp', ['-n', String(25 * MiB), img, card.device]);
      resetCard(card);
      const pipe = `gunzip -c '${gz}' | dd of=${card.device} bs=4M iflag=fullblock oflag=direct conv=fsync status=none && cmp -n ${25 * MiB} '${img}' ${card.device}`;
      const d = await timedRun('sh', ['-c', pipe], {}, card);
      walt.decompress.push(w.phases.get('decompress') ?? Number.NaN);
      walt.write.push(w.phases.get('write') ?? Number.NaN);
      for (const [into, r] of [[walt, w], [dd, d]] as const) {
        if (r.firstByteMs === null) throw new Error('the card saw no write');
        into.first.push(r.firstByteMs);
        into.wall.push(r.wallMs);
      }
    }
    const ratio = (a: number[], b: number[]): string => `${(median(a) / median(b)).toFixed(2)}x`;
    console.log(
      `pc-usb.dd.gz (25 MiB) -> zram, process start -> first byte on the card: walt-bench ${fmt(median(walt.first))}, ` +
        `gunzip | dd ${fmt(median(dd.first))} (${ratio(walt.first, dd.first)})`,
    );
    console.log(
      `  walt-bench's own lines: first decompress progress at ${fmt(median(walt.decompress))}, first write progress at ` +
        `${fmt(median(walt.write))}`,
    );
    console.log(
      `pc-usb.dd.gz (25 MiB) -> zram, whole run, verification on: walt-bench ${fmt(median(walt.wall))}, ` +
        `gunzip | dd + cmp ${fmt(median(dd.wall))} (${ratio(walt.wall, dd.wall)})`,
    );
  } finally {
    card.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
