/**
 * npm run bench:media: two WalT media, each to a zram card throttled to 30 MB/s that holds stale random bytes,
 * verification on, each writer a whole process (start included), best of 3, in the same run:
 * - a pc-usb-shaped .dd.gz (25 MiB GPT disk: EFI FAT, BIOS boot, ext4, built as walt-node-boot does, its ext4 copied
 *   in sparse): walt-bench (sparse, and --full), `bmaptool copy` with its bmap, `gunzip | dd oflag=direct conv=fsync`
 *   + `cmp`. The card is then checked independently (tables, BIOS boot bytes, fsck.vfat -n, e2fsck -fn, every file).
 * - an rpi-sd-files-shaped .tar.gz: walt-bench writes the archive (the FAT32 card built from it, sparse); the peers
 *   write the same card as an image (`walt-bench card build`, made sparse, .gz + .bmap). The card is then checked
 *   independently (fsck.fat -n, every file read back with mtools).
 * A second bmaptool peer writes each card as a technician who does it right makes it (test/support/technician-images.ts:
 * every filesystem built in place by its own tools, so its bmap skips only what no tool wrote); its card must pass the
 * same checks, and walt-bench's ratio against it is printed too.
 * Needs root, zram, blkio throttling, bmaptool, the built CLI. BENCH_BASELINE=DIR also runs the CLI of another built
 * checkout in the same run.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/cli.js';
import { makeArchive, rpiSdFiles } from '../support/card-archives.js';
import { fsckPartition, mcopyAll } from '../support/card-tools.js';
import { checkPcUsbCard } from '../support/media-check.js';
import { makePcUsbImage } from '../support/pc-usb-image.js';
import { makePcUsbImageInPlace, makeRpiImageInPlace } from '../support/technician-images.js';
import { throttleAvailable, throttleWrites } from '../support/throttle.js';
import { createZramCard, type ZramCard, zramAvailable } from '../support/zram.js';

/** The first 160 characters of a checker's complaint (fsck.fat prints one line per broken cluster). */
const short = (line: string): string => (line.length > 160 ? `${line.slice(0, 160)}...` : line);

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
function timedProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ wall: number; card: number | null; bytes?: number }> {
  const t = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let err = '';
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${cmd} exited ${code}: ${err}`));
      const done = out.split('\n').filter((l) => l.includes('"card-done"')).map((l) => JSON.parse(l) as { result: { durationMs: number; bytes: number } })[0];
      resolve({ wall: Number(process.hrtime.bigint() - t) / 1e6, card: done ? done.result.durationMs : null, ...(done ? { bytes: done.result.bytes } : {}) });
    });
  });
}

/** One medium of the run: what walt-bench is given, the image the peers write, and the card's independent check. */
interface Medium {
  name: string;
  /** What walt-bench flashes (the .dd.gz, or the archive of files). */
  source: string;
  /** The same card as an image, for the peers: `IMAGE.gz` and its bmap `IMAGE.bmap`. */
  image: string;
  imageBytes: number;
  cardBytes: number;
  /** Walt-bench runs: `--full` applies to disk images only. */
  full: boolean;
  check: (device: string) => string[];
  /** The same card as a technician who does it right images it for bmaptool (`.gz`, `.bmap` beside), and its check. */
  correct: { image: string; check: (device: string) => string[] };
}

/** How many MB a bmap maps (its mapped blocks times its block size). */
function mappedMB(bmap: string): string {
  const xml = readFileSync(bmap, 'utf8');
  const count = Number(/<MappedBlocksCount>\s*(\d+)/.exec(xml)?.[1]);
  const size = Number(/<BlockSize>\s*(\d+)/.exec(xml)?.[1]);
  return ((count * size) / 1e6).toFixed(1);
}

/** A bmap of the image as it is (no hole dug), and its .gz. */
function bmapAndGz(img: string): void {
  execFileSync('bmaptool', ['create', '-o', `${img}.bmap`, img], { stdio: 'ignore' });
  execFileSync('gzip', ['-k', '-n', img]);
}

/** The image sparse as its builder leaves it (zero blocks as holes), its bmap, and its .gz. */
function peerImage(img: string, holes: { offset: number; length: number }): void {
  execFileSync('fallocate', ['--dig-holes', '--offset', String(holes.offset), '--length', String(holes.length), img]);
  bmapAndGz(img);
}

function pcUsb(dir: string): Medium {
  const img = makePcUsbImage(dir);
  // As walt-node-boot copies its ext4 in: `dd conv=notrunc,sparse` (the all-zero blocks left as holes).
  peerImage(img, { offset: 16 * MiB, length: 8 * MiB });
  const inPlace = makePcUsbImageInPlace(dir);
  bmapAndGz(inPlace);
  return {
    name: 'pc-usb-shaped .dd.gz',
    source: `${img}.gz`,
    image: img,
    imageBytes: statSync(img).size,
    cardBytes: 32 * MiB,
    full: true,
    check: (d) => checkPcUsbCard(d, img),
    correct: { image: inPlace, check: (d) => checkPcUsbCard(d, inPlace) },
  };
}

function rpiSd(dir: string): Medium {
  const files = rpiSdFiles();
  const archive = makeArchive(dir, 'rpi-sd-files.tar.gz', files);
  const img = join(dir, 'rpi-sd-files.img');
  execFileSync('node', [join(ROOT, 'bin', 'walt-bench.js'), 'card', 'build', archive, '-o', img], { stdio: 'ignore', env: { ...process.env, WALT_BENCH_HOME: join(dir, 'home-build') } });
  const size = statSync(img).size;
  peerImage(img, { offset: 0, length: size });
  const check = (device: string): string[] => {
    // A copy of the card (mtools on a block device complains of its geometry on every file).
    const copy = join(dir, 'card-copy.img');
    writeFileSync(copy, readFileSync(device));
    const problems: string[] = [];
    const fsck = fsckPartition(copy);
    if (fsck.status !== 0) problems.push(`fsck.fat -n: ${fsck.output.split('\n').slice(1).join(' ').trim()}`);
    const back = mcopyAll(copy);
    for (const f of files) if (!back.get(f.path)?.equals(f.data)) problems.push(`${f.path} differs`);
    rmSync(copy, { force: true });
    return problems;
  };
  const inPlace = makeRpiImageInPlace(dir, files, size);
  bmapAndGz(inPlace);
  return { name: 'rpi-sd-files-shaped .tar.gz', source: archive, image: img, imageBytes: size, cardBytes: Math.ceil(size / MiB + 8) * MiB, full: false, check, correct: { image: inPlace, check } };
}

interface Result {
  name: string;
  best: number;
  runs: number[];
  card: number | null;
  /** What walt-bench wrote (its --json result). */
  bytes?: number;
  check: string;
}

async function benchMedium(dir: string, m: Medium): Promise<Result[]> {
  const card = createZramCard(m.cardBytes);
  const untrottle = throttleWrites([{ device: card.device, bytesPerSecond: RATE }]);
  const walt = (extra: string[], root = ROOT) => (home: string) =>
    timedProcess('node', [join(root, 'bin', 'walt-bench.js'), 'flash', m.source, '--drive', card.device, '--yes', '--json', ...extra], {
      WALT_BENCH_HOME: home,
      WALT_BENCH_VIRTUAL_DRIVES: '1',
    });
  const bmap = `${m.image}.bmap`;
  const peers: { name: string; run: (home: string) => Promise<{ wall: number; card: number | null; bytes?: number }>; check?: (device: string) => string[] }[] = [
    { name: 'walt-bench flash (sparse)', run: walt([]) },
    ...(m.full ? [{ name: 'walt-bench flash --full', run: walt(['--full']) }] : []),
    // BENCH_BASELINE=DIR: a built checkout of another commit, in the same run (figures on a shared machine drift).
    ...(process.env.BENCH_BASELINE ? [{ name: 'baseline walt-bench (sparse)', run: walt([], process.env.BENCH_BASELINE) }] : []),
    { name: 'bmaptool copy', run: () => timedProcess('bmaptool', ['-q', 'copy', '--bmap', bmap, `${m.image}.gz`, card.device]) },
    {
      name: 'bmaptool copy, correct bmap',
      run: () => timedProcess('bmaptool', ['-q', 'copy', '--bmap', `${m.correct.image}.bmap`, `${m.correct.image}.gz`, card.device]),
      check: m.correct.check,
    },
    {
      name: 'gunzip | dd + cmp',
      run: () =>
        timedProcess('sh', [
          '-c',
          `gunzip -c '${m.image}.gz' | dd of=${card.device} bs=4M iflag=fullblock oflag=direct conv=fsync status=none && gunzip -c '${m.image}.gz' | cmp -n ${m.imageBytes} - ${card.device}`,
        ]),
    },
  ];
  const tally = peers.map(() => ({ runs: [] as number[], cardTimes: [] as number[], check: '', bytes: undefined as number | undefined }));
  try {
    // Round by round, every writer once per round: on this shared machine the load drifts, and each writer (this
    // build and BENCH_BASELINE's alike) meets the same drift.
    for (let i = 0; i < RUNS; i += 1) {
      for (const [k, peer] of peers.entries()) {
        const t = tally[k]!;
        staleCard(card);
        const home = mkdtempSync(join(dir, 'home-'));
        const { wall, card: cardMs, bytes } = await peer.run(home);
        t.bytes = bytes;
        t.runs.push(wall);
        if (cardMs !== null) t.cardTimes.push(cardMs);
        const problems = (peer.check ?? m.check)(card.device);
        // A card broken on any run stays reported broken.
        if (!t.check.startsWith('CARD BROKEN')) t.check = problems.length === 0 ? 'card checks clean' : `CARD BROKEN: ${problems.map((p) => short(p.split('\n')[0]!)).join('; ')}`;
      }
    }
  } finally {
    untrottle();
    card.remove();
  }
  return peers.map((peer, k) => {
    const { runs, cardTimes, check, bytes } = tally[k]!;
    return { name: peer.name, best: Math.min(...runs), runs, card: cardTimes.length ? Math.min(...cardTimes) : null, bytes, check };
  });
}

async function main(): Promise<void> {
  if (!zramAvailable() || !throttleAvailable()) {
    console.log('bench:media needs root, zram and blkio throttling: skipped');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'wb-media-'));
  try {
    for (const m of [pcUsb(dir), rpiSd(dir)]) {
      const results = await benchMedium(dir, m);
      const bmap = results.find((r) => r.name === 'bmaptool copy')!.best;
      const correct = results.find((r) => r.name === 'bmaptool copy, correct bmap')!.best;
      const load = loadavg().map((x) => x.toFixed(2)).join(' ');
      console.log(`${m.name} (${(m.imageBytes / MiB).toFixed(1)} MiB) to a zram card at ${RATE / 1e6} MB/s with stale data, verified, process start included, best of ${RUNS} (load average ${load} at its end):`);
      console.log(`  bytes a bmap maps: bmaptool's ${mappedMB(`${m.image}.bmap`)} MB, the correct one's ${mappedMB(`${m.correct.image}.bmap`)} MB`);
      for (const r of results) {
        const card = r.card === null ? '' : `, the card itself ${(r.card / 1000).toFixed(2)} s, ${((r.bytes ?? 0) / 1e6).toFixed(1)} MB written`;
        console.log(`  ${r.name.padEnd(28)} ${(r.best / 1000).toFixed(2)} s  (${(r.best / bmap).toFixed(2)}x bmaptool, ${(r.best / correct).toFixed(2)}x correct; runs ${r.runs.map((x) => (x / 1000).toFixed(2)).join(' ')}${card})  ${r.check}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
