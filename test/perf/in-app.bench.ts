/**
 * npm run bench:in-app: inside the running app (a real backend, called as the UI calls it), a card selected ->
 * the first byte on the card (target <= 50 ms), for the pc-usb-shaped .dd.gz: the first session of an image (it is
 * inflated and mapped before that card's first write) and the next cards (the image already prepared, as at a desk
 * that writes one artifact to a box of cards). The peer, in the same run: `dd` of the inflated image spawned on the
 * same card (fork, exec and its first write). The first byte is seen by the card's own count of sectors written
 * (/sys/block/zramN/stat, field 7), polled every 0.2 ms by a worker thread so the backend's event loop is not held.
 * Needs root and zram.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { nextEvent, startTestBackend } from '../support/backend.js';
import { makePcUsbImage } from '../support/pc-usb-image.js';
import { createZramCard, resetCard, zramAvailable, type ZramCard } from '../support/zram.js';

const MiB = 1 << 20;
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const now = (): number => performance.timeOrigin + performance.now();
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Once the watcher runs: `at`, the wall-clock time (ms) the card's count of written sectors first moves. */
function firstWrite(card: ZramCard): Promise<{ at: Promise<number> }> {
  const src = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { readFileSync } = require('node:fs');
    const stat = () => Number(readFileSync(workerData, 'utf8').trim().split(/\\s+/)[6]);
    const base = stat();
    const pause = new Int32Array(new SharedArrayBuffer(4));
    parentPort.postMessage('ready');
    for (const until = Date.now() + 30000; Date.now() < until; Atomics.wait(pause, 0, 0, 0.2)) {
      if (stat() > base) { parentPort.postMessage(performance.timeOrigin + performance.now()); process.exit(0); }
    }
    parentPort.postMessage(-1);`;
  const w = new Worker(src, { eval: true, workerData: `/sys/block/zram${card.index}/stat` });
  return new Promise((ready, fail) => {
    let seen: (t: number) => void = () => undefined;
    const at = new Promise<number>((r) => (seen = r));
    w.on('message', (m: 'ready' | number) => (m === 'ready' ? ready({ at }) : seen(m)));
    w.on('error', fail);
  });
}


void (async () => {
  if (!zramAvailable()) {
    console.log('bench:in-app needs root and zram: skipped');
    return;
  }
  const t = await startTestBackend();
  const card = createZramCard(64 * MiB);
  try {
    const img = makePcUsbImage(t.dir);
    execFileSync('gzip', ['-k', '-f', img]);
    const drive = async () => {
      const d = (await t.api.call('drives.list', {})).find((x) => x.device === card.device)!;
      return { device: d.device, size: d.size, description: d.description, serial: d.serial };
    };
    const flashOnce = async (): Promise<{ firstMs: number; wholeMs: number }> => {
      resetCard(card);
      const id = await drive();
      const done = nextEvent(t.api, 'flash.done', undefined, 60_000);
      const first = await firstWrite(card);
      const t0 = now();
      await t.api.call('flash.start', { image: `${img}.gz`, drives: [id], verify: true });
      const [r] = (await done).results;
      if (!r?.ok) throw new Error(`the card failed: ${r?.error ?? 'no result'}`);
      return { firstMs: (await first.at) - t0, wholeMs: now() - t0 };
    };
    const cold = await flashOnce();
    const warm: number[] = [];
    const whole: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      const r = await flashOnce();
      warm.push(r.firstMs);
      whole.push(r.wholeMs);
    }
    const dd: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      resetCard(card);
      const first = await firstWrite(card);
      const t0 = now();
      await new Promise<void>((resolve, reject) => {
        const p = spawn('dd', [`if=${img}`, `of=${card.device}`, 'bs=4M', 'oflag=direct', 'conv=fsync', 'status=none'], { stdio: 'ignore' });
        p.on('error', reject);
        p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`dd exited ${code}`))));
      });
      dd.push((await first.at) - t0);
    }
    const f = (x: number): string => `${x.toFixed(1)} ms`;
    console.log(`in the running app, pc-usb .dd.gz (${(readFileSync(img).length / MiB).toFixed(0)} MiB) -> zram, verify on, card selected (flash.start) -> first byte on the card:`);
    console.log(`  first session of the image (inflated and mapped first): ${f(cold.firstMs)}; whole card ${f(cold.wholeMs)}`);
    console.log(`  next cards (image prepared), median of ${RUNS}: ${f(median(warm))} (runs ${warm.map((x) => x.toFixed(0)).join(', ')}); whole card ${f(median(whole))}; target <= 50 ms`);
    console.log(`  peer: dd of the inflated image spawned on the card, median of ${RUNS}: ${f(median(dd))}`);
    console.log(`  load average ${loadavg()[0]!.toFixed(1)}`);
  } finally {
    await t.close();
    card.remove();
  }
})();
