/**
 * npm run bench:station (root, zram, cgroup v1 blkio): a station job armed on 4 enrolled zram slots (empty zram
 * devices), the 25 MiB pc-usb-shaped image, verify on, every slot throttled to 30 MB/s of writes (blkio cgroup, as
 * bench:flash and bench:media do). 20 cards go in: first one after another (a card every 0.5 s into the next free
 * slot, each pulled once done), then four at once (every slot at the same instant, five rounds). Prints cards per
 * minute against the slots' physical limit (slots x bandwidth / image size) and the insert -> write start latency
 * p50/p99 (insert: the disksize write; write start: the station.card-started event, and the first chunk written: the
 * first write progress, which the flash service emits at once on the phase change).
 * The peer, same run, same slots, same throttle: what a technician does by hand, a shell loop of `dd` + `cmp` per
 * card (one loop over the cards, and one loop per slot running side by side). Every device and cgroup is removed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventPayload } from '../../src-main/api/contract.js';
import { nextEvent, startTestBackend, type TestBackend } from '../support/backend.js';
import { makePcUsbImage } from '../support/pc-usb-image.js';
import { throttleAvailable, throttleWrites } from '../support/throttle.js';
import { createZramCard, readHead, type ZramCard, zramAvailable } from '../support/zram.js';

const MiB = 1 << 20;
const SLOTS = Number(process.env.BENCH_SLOTS ?? 4);
const CARDS = Number(process.env.BENCH_CARDS ?? 20);
const RATE = 30e6;
const CARD_SIZE = 32 * MiB;
const CADENCE_MS = 500;

const now = (): number => performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};

function insert(slot: ZramCard): void {
  writeFileSync(`/sys/block/zram${slot.index}/disksize`, String(CARD_SIZE));
}

/** Pulls the card (reset); retried while the writer still has the device open. */
async function pull(slot: ZramCard): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    try {
      writeFileSync(`/sys/block/zram${slot.index}/reset`, '1');
      return;
    } catch {
      await sleep(50);
    }
  }
  throw new Error(`could not reset zram${slot.index}`);
}

interface Round {
  cards: number;
  failed: number;
  wallMs: number;
  startLatency: number[];
  firstByteLatency: number[];
  /** Bytes the station wrote per card (its sparse write skips what the filesystems do not use). */
  writtenBytes: number[];
  /** Each card's own time in the station (open, write, verify, close). */
  cardMs: number[];
}

/** Runs one armed job of `CARDS` cards; `plan` inserts them (and pulls each finished one). */
async function stationRound(t: TestBackend, image: string, slots: ZramCard[], together: boolean): Promise<Round> {
  const job = await t.api.call('stationJob.arm', { artifact: image, slots: slots.map((s) => s.device), count: CARDS, verify: true, client: 'bench' });
  const ended = nextEvent(t.api, 'station.job-changed', (p) => p.job.jobId === job.jobId && p.job.state !== 'armed', 600000).then((p) => p.job);
  const insertedAt = new Map<string, number>();
  const startLatency: number[] = [];
  const firstByteLatency: number[] = [];
  const waitingFirstByte = new Set<string>();
  const finished = new Map<string, (ok: boolean) => void>();
  const writtenBytes: number[] = [];
  const cardMs: number[] = [];
  let failed = 0;
  const offs = [
    t.api.on('station.card-started', (p) => {
      const at = insertedAt.get(p.card.slot);
      if (p.jobId !== job.jobId || at === undefined) return;
      startLatency.push(now() - at);
      waitingFirstByte.add(p.card.slot);
    }),
    t.api.on('station.card-progress', (p: EventPayload<'station.card-progress'>) => {
      if (p.jobId !== job.jobId || p.bytes <= 0 || !waitingFirstByte.delete(p.slot)) return;
      firstByteLatency.push(now() - insertedAt.get(p.slot)!);
    }),
    t.api.on('station.card-done', (p) => {
      if (p.jobId !== job.jobId) return;
      writtenBytes.push(p.card.bytes);
      cardMs.push(p.card.durationMs);
      finished.get(p.card.slot)?.(true);
    }),
    t.api.on('station.card-failed', (p) => {
      if (p.jobId !== job.jobId) return;
      failed += 1;
      finished.get(p.card.slot)?.(false);
    }),
  ];
  /** Inserts a card into a slot; resolves when it is written, verified and pulled, and the slot waits again. */
  const oneCard = async (slot: ZramCard): Promise<void> => {
    const done = new Promise<boolean>((r) => finished.set(slot.device, r));
    insertedAt.set(slot.device, now());
    insert(slot);
    await done;
    // The next card goes in once the station has seen the slot empty (a technician's swap takes longer than that).
    const waiting = nextEvent(t.api, 'station.slot-changed', (p) => p.jobId === job.jobId && p.tile?.slot === slot.device && p.tile.state === 'waiting', 20000);
    waiting.catch(() => undefined);
    await pull(slot);
    await Promise.race([waiting, ended]);
  };
  if (process.env.BENCH_DEBUG) {
    for (const e of ['station.slot-changed', 'station.card-started', 'station.card-done', 'station.card-failed'] as const) {
      offs.push(t.api.on(e, (p) => console.log(`${now().toFixed(0)} ${e} ${JSON.stringify(p).slice(0, 300)}`)));
    }
  }
  const start = now();
  try {
    if (together) {
      for (let inserted = 0; inserted < CARDS; inserted += slots.length) await Promise.all(slots.slice(0, CARDS - inserted).map((s) => oneCard(s)));
    } else {
      // A card every 0.5 s into the next free slot (a slot is free once its last card was pulled).
      const free = [...slots];
      const busy: Promise<void>[] = [];
      let wake: (() => void) | null = null;
      let nextAt = start;
      for (let i = 0; i < CARDS; i += 1) {
        await sleep(nextAt - now());
        while (free.length === 0) await new Promise<void>((r) => (wake = r));
        const slot = free.shift()!;
        nextAt = now() + CADENCE_MS;
        busy.push(
          oneCard(slot).then(() => {
            free.push(slot);
            wake?.();
          }),
        );
      }
      await Promise.all(busy);
    }
    // A failed card is not counted: the job would wait for one more, the figures would not be of CARDS cards.
    if (failed > 0) throw new Error(`${failed} station cards failed`);
    const final = await ended;
    if (final.state !== 'complete' || final.done !== CARDS) throw new Error(`job ended ${final.state}: ${final.done} done, ${final.failed} failed`);
  } finally {
    for (const off of offs) off();
    const status = (await t.api.call('stationJob.status', { jobId: job.jobId })).jobs[0];
    if (status?.state === 'armed') await t.api.call('stationJob.disarm', { jobId: job.jobId, client: 'bench' });
  }
  return { cards: CARDS, failed, wallMs: now() - start, startLatency, firstByteLatency, writtenBytes, cardMs };
}

function shell(script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('sh', ['-c', script], { stdio: ['ignore', 'ignore', 'inherit'] });
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`peer shell loop exited ${code}`))));
  });
}

/**
 * The technician's loop, per card: insert (disksize), `dd oflag=direct conv=fsync`, `cmp` against the image, pull
 * (reset). `loops` loops side by side, the cards shared out among them, each loop on its own slot.
 */
async function peerRound(image: string, slots: ZramCard[], loops: number): Promise<Round> {
  const size = statSync(image).size;
  const perLoop = Array.from({ length: loops }, (_, i) => Math.floor(CARDS / loops) + (i < CARDS % loops ? 1 : 0));
  const loopScript = (slot: ZramCard, n: number): string =>
    `for i in $(seq ${n}); do echo ${CARD_SIZE} > /sys/block/zram${slot.index}/disksize && ` +
    `dd if='${image}' of=${slot.device} bs=4M oflag=direct conv=fsync status=none && cmp -n ${size} '${image}' ${slot.device} && ` +
    `echo 1 > /sys/block/zram${slot.index}/reset || exit 1; done`;
  const start = now();
  if (loops === 1) {
    // One loop over the cards, taking the slots in turn (the technician types the next device each time).
    const lines = Array.from({ length: CARDS }, (_, i) => loopScript(slots[i % slots.length]!, 1));
    await shell(lines.join('\n'));
  } else {
    await Promise.all(perLoop.map((n, i) => shell(loopScript(slots[i]!, n))));
  }
  return { cards: CARDS, failed: 0, wallMs: now() - start, startLatency: [], firstByteLatency: [], writtenBytes: [], cardMs: [] };
}

const perMinute = (r: Round): number => (r.cards / r.wallMs) * 60000;

async function main(): Promise<void> {
  if (!zramAvailable() || !throttleAvailable()) {
    console.log('bench:station needs root, zram and cgroup v1 blkio: skipped');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'wb-station-bench-'));
  const slots: ZramCard[] = [];
  let t: TestBackend | null = null;
  let untrottle: (() => void) | null = null;
  try {
    const image = makePcUsbImage(dir);
    const imageBytes = readHead(image, statSync(image).size);
    for (let i = 0; i < SLOTS; i += 1) slots.push(createZramCard(0));
    untrottle = throttleWrites(slots.map((s) => ({ device: s.device, bytesPerSecond: RATE })));
    t = await startTestBackend();
    for (const s of slots) await t.api.call('slots.enroll', { slot: s.device, client: 'bench' });
    const oneByOne = await stationRound(t, image, slots, false);
    const together = await stationRound(t, image, slots, true);
    const peerSerial = await peerRound(image, slots, 1);
    const peerParallel = await peerRound(image, slots, SLOTS);
    // One more card through the station, left in its slot, compared byte for byte (the figures are of real writes).
    const check = await t.api.call('stationJob.arm', { artifact: image, slots: [slots[0]!.device], count: 1, client: 'bench' });
    const checked = nextEvent(t.api, 'station.card-done', (p) => p.jobId === check.jobId, 60000);
    insert(slots[0]!);
    await checked;
    const intact = readHead(slots[0]!.device, imageBytes.length).equals(imageBytes);
    await pull(slots[0]!);

    const limit = (SLOTS * RATE * 60) / imageBytes.length;
    const written = percentile(together.writtenBytes, 50);
    const sparseLimit = (SLOTS * RATE * 60) / written;
    const cadenceLimit = (CARDS / ((CARDS - 1) * CADENCE_MS + (written / RATE) * 1000)) * 60000;
    const lat = (xs: number[]): string => `p50 ${percentile(xs, 50).toFixed(0)} ms, p99 ${percentile(xs, 99).toFixed(0)} ms (n=${xs.length})`;
    console.log(`station bench: ${CARDS} cards, ${SLOTS} zram slots at ${RATE / 1e6} MB/s, pc-usb-shaped ${(imageBytes.length / MiB).toFixed(0)} MiB image, verify on`);
    console.log(
      `  slots' physical limit: ${limit.toFixed(0)} cards/min writing the whole image (dd), ${sparseLimit.toFixed(0)} cards/min for the ` +
        `${(written / MiB).toFixed(1)} MiB walt-bench writes (sparse); a card every 0.5 s caps the one-after-another run at ${cadenceLimit.toFixed(0)} cards/min`,
    );
    for (const [name, r] of [
      ['walt-bench station, one after another (0.5 s)', oneByOne],
      ['walt-bench station, 4 at once', together],
    ] as const) {
      console.log(`  ${name.padEnd(48)} ${perMinute(r).toFixed(1)} cards/min (${(r.wallMs / 1000).toFixed(1)} s, ${r.failed} failed; a card's own time p50 ${percentile(r.cardMs, 50).toFixed(0)} ms)`);
      console.log(`    insert -> write start (card-started) ${lat(r.startLatency)}; insert -> first bytes written ${lat(r.firstByteLatency)}`);
    }
    console.log(`  ${'peer: sh loop dd + cmp, one card at a time'.padEnd(48)} ${perMinute(peerSerial).toFixed(1)} cards/min (${(peerSerial.wallMs / 1000).toFixed(1)} s)`);
    console.log(`  ${`peer: ${SLOTS} sh loops dd + cmp side by side`.padEnd(48)} ${perMinute(peerParallel).toFixed(1)} cards/min (${(peerParallel.wallMs / 1000).toFixed(1)} s)`);
    console.log(`  a station card compared with the image byte for byte: ${intact ? 'identical' : 'DIFFERENT'}`);
    if (!intact) process.exitCode = 1;
  } finally {
    await t?.close().catch(() => undefined);
    untrottle?.();
    for (const s of slots) s.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
