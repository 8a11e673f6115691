/**
 * node --import tsx test/perf/source-checks.bench.ts: what the source checks (gzip trailer, zip CRC-32 and sizes,
 * the output bound) cost on a 25 MiB pc-usb.dd-shaped image, against gunzip/unzip and `gunzip | dd` + `cmp` in the
 * same run. Every walt-bench run decompresses anew (its cache is emptied). Needs root and zram for the card part.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, crc32 } from 'node:zlib';
import { prepareRawImage } from '../../src-main/services/flash/decompress.js';
import { inspectImage } from '../../src-main/services/flash/image-inspect.js';
import { nextEvent, startTestBackend } from '../support/backend.js';
import { gzipBomb } from '../support/bad-sources.js';
import { makePcUsbImage } from '../support/pc-usb-image.js';
import { createZramCard, zramAvailable } from '../support/zram.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function sh(script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('sh', ['-c', script], { stdio: 'ignore' });
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${script} exited ${code}`))));
  });
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wb-srcbench-'));
  const img = makePcUsbImage(dir);
  await sh(`gzip -k -6 "${img}" && cd "${dir}" && zip -q -j pc-usb.zip pc-usb.dd`);
  const gz = `${img}.gz`;
  const zip = join(dir, 'pc-usb.zip');
  const cache = join(dir, 'cache');
  mkdirSync(cache);
  const empty = (d: string): void => {
    for (const n of readdirSync(d)) if (n.startsWith('decompressed-')) rmSync(join(d, n));
  };
  const gzInfo = await inspectImage(gz);
  const zipInfo = await inspectImage(zip);
  const card = { device: '/dev/sdz', bytes: 64 << 20 };
  const rows: Record<string, number[]> = {};
  const add = (k: string, v: number): void => void (rows[k] ??= []).push(v);
  const out = join(dir, 'out.img');
  for (let i = 0; i < RUNS; i += 1) {
    // Both write a new file (the cache's is new every run); the order alternates.
    const walt = async (): Promise<void> => {
      empty(cache);
      add('walt prepare .dd.gz (checks + bound)', await timed(() => prepareRawImage(gzInfo, cache, { onProgress: () => undefined, largestCard: card })));
    };
    const bare = async (): Promise<void> => {
      rmSync(out, { force: true });
      add('bare gunzip stream in node (same chunks, no checks)', await timed(() => pipeline(createReadStream(gz), createGunzip({ chunkSize: 1 << 20 }), createWriteStream(out))));
    };
    if (i % 2 === 0) await walt().then(bare);
    else await bare().then(walt);
    add('gunzip -c > file', await timed(() => sh(`gunzip -c "${gz}" > "${out}"`)));
    empty(cache);
    add('walt prepare .zip (CRC-32 + sizes + bound)', await timed(() => prepareRawImage(zipInfo, cache, { onProgress: () => undefined, largestCard: card })));
    add('unzip -p > file', await timed(() => sh(`unzip -p "${zip}" > "${out}"`)));
    const raw = readFileSync(img);
    add('zlib.crc32 of the 25 MiB alone', await timed(async () => crc32(raw)));
  }

  // The bomb: 5 GiB of (nearly) zeros, for a 64 MiB card. walt-bench stops at the card's size.
  const bomb = join(dir, 'bomb.img.gz');
  gzipBomb(bomb, 5120);
  const bombInfo = await inspectImage(bomb);
  for (let i = 0; i < RUNS; i += 1) {
    empty(cache);
    add('walt prepare 5 GiB bomb for a 64 MiB card (refused)', await timed(() =>
      prepareRawImage(bombInfo, cache, { onProgress: () => undefined, largestCard: card }).then(
        () => Promise.reject(new Error('the bomb was accepted')),
        (e: Error) => (/largest selected card/.test(e.message) ? undefined : Promise.reject(e)),
      )));
    add('gzip -dc | head -c 64MiB (the same 64 MiB)', await timed(() => sh(`gzip -dc "${bomb}" | head -c 67108864 > /dev/null`)));
  }

  if (zramAvailable()) {
    const zram = createZramCard(64 << 20);
    const t = await startTestBackend();
    try {
      const drive = (await t.api.call('drives.list', {})).find((d) => d.device === zram.device)!;
      const ids = [{ device: drive.device, size: drive.size, description: drive.description, serial: drive.serial }];
      const reset = (): void => {
        writeFileSync(`/sys/block/zram${zram.index}/reset`, '1');
        writeFileSync(`/sys/block/zram${zram.index}/disksize`, String(64 << 20));
      };
      for (let i = 0; i < RUNS; i += 1) {
        reset();
        empty(t.backend.paths.cache);
        add('walt flash .dd.gz verified (decompress + write + verify)', await timed(async () => {
          const done = nextEvent(t.api, 'flash.done', undefined, 60000);
          await t.api.call('flash.start', { image: gz, drives: ids, verify: true });
          const { results } = await done;
          if (!results[0]!.ok) throw new Error(JSON.stringify(results));
        }));
        reset();
        add('gunzip | dd oflag=direct conv=fsync && cmp', await timed(() =>
          sh(`gunzip -c "${gz}" | dd of=${zram.device} bs=4M oflag=direct conv=fsync status=none && cmp -n 26214400 "${img}" ${zram.device}`)));
      }
    } finally {
      await t.close();
      zram.remove();
    }
  }
  rmSync(dir, { recursive: true, force: true });
  const m = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, median(v)]));
  for (const [k, v] of Object.entries(m)) console.log(`${k.padEnd(58)} ${v.toFixed(1).padStart(8)} ms`);
  const ratio = (a: string, b: string): void => {
    if (m[a] !== undefined && m[b] !== undefined) console.log(`ratio ${a} / ${b}: ${(m[a]! / m[b]!).toFixed(2)}`);
  };
  ratio('walt prepare .dd.gz (checks + bound)', 'gunzip -c > file');
  ratio('walt prepare .dd.gz (checks + bound)', 'bare gunzip stream in node (same chunks, no checks)');
  ratio('walt prepare .zip (CRC-32 + sizes + bound)', 'unzip -p > file');
  ratio('walt prepare 5 GiB bomb for a 64 MiB card (refused)', 'gzip -dc | head -c 64MiB (the same 64 MiB)');
  ratio('walt flash .dd.gz verified (decompress + write + verify)', 'gunzip | dd oflag=direct conv=fsync && cmp');
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
