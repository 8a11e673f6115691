import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { StationJobData } from '../../src-main/api/contract.js';
import { createBackend } from '../../src-main/services/backend.js';
import type { SavedJob } from '../../src-main/services/station/station-state.js';
import { inProcessClient } from '../../src-main/transports/in-process/client.js';
import { nextEvent, randomFile, startTestBackend, type TestBackend } from '../support/backend.js';
import { throttleAvailable, throttleWrites } from '../support/throttle.js';
import { createZramCard, readHead, type ZramCard, zramAvailable } from '../support/zram.js';

const MiB = 1 << 20;
const skip = zramAvailable() ? false : 'needs root and zram';

/** Inserts a card into an empty zram slot (disksize written; mem_limit first when given). */
function insert(slot: ZramCard, size: number, memLimit?: number): void {
  if (memLimit !== undefined) writeFileSync(`/sys/block/zram${slot.index}/mem_limit`, String(memLimit));
  writeFileSync(`/sys/block/zram${slot.index}/disksize`, String(size));
}

/** Pulls the card out of a zram slot (reset: the device stays, with no size). */
function pull(slot: ZramCard): void {
  for (let i = 0; i < 50; i += 1) {
    try {
      writeFileSync(`/sys/block/zram${slot.index}/reset`, '1');
      return;
    } catch {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  throw new Error(`could not reset zram${slot.index}`);
}

function jobEnded(t: TestBackend, jobId: string, timeoutMs = 30000): Promise<StationJobData> {
  return nextEvent(t.api, 'station.job-changed', (p) => p.job.jobId === jobId && p.job.state !== 'armed', timeoutMs).then((p) => p.job);
}

describe('station jobs on zram slots', { skip }, () => {
  let t: TestBackend;
  const devs: ZramCard[] = [];
  let image: Buffer;
  let img: string;

  before(async () => {
    t = await startTestBackend();
    img = join(t.dir, 'station.img');
    image = randomFile(img, 3 * MiB);
  });

  after(async () => {
    await t?.close();
    for (const d of devs) d.remove();
  });

  it('writes, verifies and counts cards that appear in enrolled slots, one after another and two at once; leaves a card present at arm and an unenrolled device alone', async () => {
    const slots = [0, 1, 2, 3].map(() => createZramCard(0));
    devs.push(...slots);
    const [a, b, c, d] = slots as [ZramCard, ZramCard, ZramCard, ZramCard];
    // d holds a card before the job is armed: it must never be written.
    insert(d, 8 * MiB);
    const before = Buffer.alloc(2 * MiB, 0x5a);
    writeFileSync(d.device, before);
    for (const s of slots) await t.api.call('slots.enroll', { slot: s.device, client: 'test' });
    const listed = await t.api.call('slots.list', {});
    for (const s of slots) assert.ok(listed.find((x) => x.slot === s.device)?.enrolled, `${s.device} enrolled`);
    assert.equal(listed.find((x) => x.slot === d.device)?.card?.size, 8 * MiB);
    assert.equal(listed.find((x) => x.slot === a.device)?.card, null, 'an empty slot has no card');

    const job = await t.api.call('stationJob.arm', { artifact: img, slots: slots.map((s) => s.device), count: 3, client: 'test' });
    assert.equal(job.tiles.find((x) => x.slot === d.device)?.state, 'present-at-arm');
    const ended = jobEnded(t, job.jobId);
    // A device outside the enrolled slots appears after arming, with a card: untouched.
    const outside = createZramCard(8 * MiB);
    devs.push(outside);
    const outsideBefore = readHead(outside.device, 4 * MiB);

    const first = nextEvent(t.api, 'station.card-done', (p) => p.card.slot === a.device);
    insert(a, 8 * MiB);
    const done1 = await first;
    assert.match(done1.announcement, /^slot 1: card 1 of 3 done, remove it$/);
    const twoDone = Promise.all([b, c].map((s) => nextEvent(t.api, 'station.card-done', (p) => p.card.slot === s.device)));
    insert(b, 8 * MiB);
    insert(c, 8 * MiB);
    await twoDone;
    const final = await ended;
    assert.equal(final.state, 'complete');
    assert.equal(final.done, 3);
    assert.equal(final.failed, 0);
    for (const s of [a, b, c]) assert.ok(readHead(s.device, image.length).equals(image), `${s.device} holds the image`);
    assert.ok(readHead(d.device, before.length).equals(before), 'the card present at arm is untouched');
    assert.ok(readHead(outside.device, 4 * MiB).equals(outsideBefore), 'the unenrolled device is untouched');
    assert.deepEqual(final.cards.map((x) => x.number).sort(), [1, 2, 3]);
    assert.ok(final.cards.every((x) => x.verified && x.result === 'ok'));

    // Every card is in the journal with the job id and its slot; the audit lines name the client.
    const lines = readFileSync(join(t.dir, 'home', 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const okLines = lines.filter((l) => l.jobId === job.jobId && l.result === 'ok');
    assert.deepEqual(okLines.map((l) => l.slot).sort(), [a.device, b.device, c.device].sort());
    assert.ok(lines.some((l) => l.audit === 'station' && l.action === 'armed' && l.client === 'test' && l.jobId === job.jobId));
    const journal = await t.api.call('journal.list', {});
    assert.deepEqual(journal.skippedLines, [], 'audit lines are not damaged lines');
    for (const s of slots) pull(s);
  });

  it('a card that dies mid-write (mem_limit) fails alone and is not counted; a second client cannot change the job', async () => {
    const slots = [0, 1].map(() => createZramCard(0));
    devs.push(...slots);
    const [dying, good] = slots as [ZramCard, ZramCard];
    for (const s of slots) await t.api.call('slots.enroll', { slot: s.device });
    const job = await t.api.call('stationJob.arm', { artifact: img, slots: slots.map((s) => s.device), count: 1, client: 'alice' });
    await assert.rejects(t.api.call('stationJob.update', { jobId: job.jobId, count: 5, client: 'bob' }), /armed by alice: bob cannot change it/);
    await assert.rejects(t.api.call('stationJob.arm', { artifact: img, slots: [good.device], client: 'bob' }), /already in armed job/);
    await assert.rejects(t.api.call('slots.forget', { slot: good.device }), /disarm it first/);
    const failed = nextEvent(t.api, 'station.card-failed', (p) => p.jobId === job.jobId);
    insert(dying, 8 * MiB, 512 * 1024);
    const f = await failed;
    assert.match(f.announcement, /^slot 1: card FAILED \(not counted\)/);
    let status = (await t.api.call('stationJob.status', { jobId: job.jobId })).jobs[0]!;
    assert.equal(status.done, 0);
    assert.equal(status.failed, 1);
    assert.equal(status.state, 'armed');
    assert.equal(status.tiles.find((x) => x.slot === dying.device)?.state, 'failed');
    const ended = jobEnded(t, job.jobId);
    insert(good, 8 * MiB);
    status = await ended;
    assert.equal(status.state, 'complete');
    assert.equal(status.done, 1);
    assert.equal(status.cards.find((x) => x.slot === dying.device)?.number, null);
    assert.ok(readHead(good.device, image.length).equals(image));
    for (const s of slots) pull(s);
  });
  it('a second station process on the same state folder cannot take a slot of a running job; a disarmed job keeps its slot until its card finished, with its final counts kept', { skip: throttleAvailable() ? false : 'needs blkio cgroup' }, async () => {
    const slot = createZramCard(0);
    devs.push(slot);
    await t.api.call('slots.enroll', { slot: slot.device, client: 'alice' });
    await assert.rejects(t.api.call('stationJob.arm', { artifact: img, slots: [slot.device], sizeLimit: 129e9, client: 'alice' }), /never raise it/);
    const home = join(t.dir, 'home');
    const second = await createBackend({ home, env: { ...process.env, WALT_BENCH_VIRTUAL_DRIVES: '1' }, pollMs: 200 });
    const other = inProcessClient(second.dispatcher);
    const starts: string[] = [];
    const off = t.api.on('station.card-started', (p) => void starts.push(p.card.slot));
    const restore = throttleWrites([{ device: slot.device, bytesPerSecond: 1 * MiB }]);
    try {
      const job = await t.api.call('stationJob.arm', { artifact: img, slots: [slot.device], count: null, client: 'alice' });
      await assert.rejects(other.call('stationJob.arm', { artifact: img, slots: [slot.device], client: 'bob' }), /already in armed job .* of another station process/);
      await assert.rejects(other.call('slots.forget', { slot: slot.device, client: 'bob' }), /of another station process/);
      const started = nextEvent(t.api, 'station.card-started', (p) => p.card.slot === slot.device);
      insert(slot, 8 * MiB);
      await started;
      const done = nextEvent(t.api, 'station.card-done', (p) => p.card.slot === slot.device, 30000);
      const disarmed = await t.api.call('stationJob.disarm', { jobId: job.jobId, client: 'alice' });
      assert.deepEqual([disarmed.state, disarmed.inProgress], ['disarmed', 1]);
      // The card is still being written: its slot stays owned, here and for the other process.
      await assert.rejects(t.api.call('stationJob.arm', { artifact: img, slots: [slot.device], client: 'bob' }), /still being written by ended job/);
      await assert.rejects(other.call('stationJob.arm', { artifact: img, slots: [slot.device], client: 'bob' }), /of another station process/);
      const saved = (JSON.parse(readFileSync(join(home, 'station-jobs.json'), 'utf8')) as { armed: SavedJob[] }).armed;
      assert.deepEqual(saved.map((j) => [j.jobId, j.owned]), [[job.jobId, [slot.device]]]);
      await done;
      const final = (await t.api.call('stationJob.status', { jobId: job.jobId })).jobs[0]!;
      assert.deepEqual([final.state, final.done, final.failed, final.inProgress], ['disarmed', 1, 0, 0]);
      assert.ok(readHead(slot.device, image.length).equals(image), 'the card in progress was finished');
      assert.ok(!existsSync(join(home, 'station-jobs.json')), 'no job owns a slot any more');
      const lines = readFileSync(join(home, 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      const last = lines.filter((l) => l.audit === 'station' && l.jobId === job.jobId).at(-1);
      assert.equal(last?.action, 'final-counts');
      assert.match(String(last?.detail), /^1 done, 0 failed/);
      assert.deepEqual(starts, [slot.device], 'one insert, one card started');
      const taken = await other.call('stationJob.arm', { artifact: img, slots: [slot.device], client: 'bob' });
      assert.equal(taken.state, 'armed', 'the slot is free again, for the other process too');
      await other.call('stationJob.disarm', { jobId: taken.jobId, client: 'bob' });
    } finally {
      restore();
      off();
      await second.close();
    }
    pull(slot);
  });
  it('a card pulled mid-write fails alone, uncounted, and says why; the slot, emptied, takes the next card', { skip: throttleAvailable() ? false : 'needs blkio cgroup' }, async () => {
    // zram refuses a reset while the card is open, so the pull comes in two steps a reader shows too: the card stops
    // taking writes (mem_limit dropped to one page: every new page fails with an I/O error), then, once the station let
    // go of it, the medium goes away (reset: the device stays, with no size).
    const [pulled, other] = [createZramCard(0), createZramCard(0)] as [ZramCard, ZramCard];
    devs.push(pulled, other);
    for (const s of [pulled, other]) await t.api.call('slots.enroll', { slot: s.device, client: 'alice' });
    const restore = throttleWrites([{ device: pulled.device, bytesPerSecond: 1 * MiB }]);
    try {
      const job = await t.api.call('stationJob.arm', { artifact: img, slots: [pulled.device, other.device], count: 2, verify: true, client: 'alice' });
      const started = nextEvent(t.api, 'station.card-started', (p) => p.card.slot === pulled.device);
      const failed = nextEvent(t.api, 'station.card-failed', (p) => p.card.slot === pulled.device, 30000);
      insert(pulled, 8 * MiB);
      await started;
      const otherDone = nextEvent(t.api, 'station.card-done', (p) => p.card.slot === other.device, 30000);
      insert(other, 8 * MiB);
      writeFileSync(`/sys/block/zram${pulled.index}/mem_limit`, '4096');
      const f = await failed;
      assert.match(f.announcement, /card FAILED \(not counted\)/);
      await otherDone;
      assert.ok(readHead(other.device, image.length).equals(image), 'the card beside it was written whole');
      let status = (await t.api.call('stationJob.status', { jobId: job.jobId })).jobs[0]!;
      assert.deepEqual([status.state, status.done, status.failed], ['armed', 1, 1]);
      const tile = status.tiles.find((x) => x.slot === pulled.device);
      assert.equal(tile?.state, 'failed');
      assert.ok((tile?.message ?? '').length > 0, 'the slot says why');
      assert.equal(status.cards.find((c) => c.slot === pulled.device)?.number, null, 'never counted');
      // pulled for good; a fresh card in the same slot is the job's second good card
      pull(pulled);
      writeFileSync(`/sys/block/zram${pulled.index}/mem_limit`, '0');
      // a hand takes a second or so between two cards: the station sees the slot empty before the next one
      const deadline = Date.now() + 10_000;
      while ((await t.api.call('stationJob.status', { jobId: job.jobId })).jobs[0]!.tiles.find((x) => x.slot === pulled.device)?.state !== 'waiting') {
        assert.ok(Date.now() < deadline, 'the slot shows waiting once the card is pulled');
        await new Promise((r) => setTimeout(r, 50));
      }
      const ended = jobEnded(t, job.jobId);
      insert(pulled, 8 * MiB);
      status = await ended;
      assert.deepEqual([status.state, status.done, status.failed], ['complete', 2, 1]);
      assert.ok(readHead(pulled.device, image.length).equals(image), 'the next card in that slot was written');
    } finally {
      restore();
    }
    for (const s of [pulled, other]) pull(s);
  });
});
