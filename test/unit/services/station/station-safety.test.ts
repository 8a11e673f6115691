/**
 * Station safety rules on fakes (the drive lister, the card writer, device events and eject behind the real
 * StationService, FlashService, DriveWatcher, StationState and Journal): each test failed before its fix.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, it } from 'node:test';
import type { StationJobData } from '../../../../src-main/api/contract.js';
import { processIdentity } from '../../../../src-main/services/journal/process-identity.js';
import type { SavedJob } from '../../../../src-main/services/station/station-state.js';
import { type Harness, harness, insert, MiB, pull, until } from './station-harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const started = (x: Harness): number => x.events.filter((e) => e.name === 'station.card-started').length;
const finished = (x: Harness, name: 'station.card-done' | 'station.card-failed'): number => x.events.filter((e) => e.name === name).length;
const slotOf = (x: Harness, n: number): string => x.drives[n]!.devicePath!;
const job = (x: Harness, jobId: string): StationJobData => x.station.status(jobId).jobs[0]!;

function otherProcessJob(slot: string, process: string): SavedJob {
  return { jobId: 'other-1', artifact: '/x.img', entry: null, imageName: 'x.img', slots: [slot], verify: true, count: null, sizeLimit: 1e9, armedAt: new Date().toISOString(), armedBy: 'cli', done: 0, failed: 0, process };
}

describe('station safety', () => {
  it('a client may lower the size limit, never raise it above the stationSizeLimitBytes setting', async () => {
    h = harness({ slots: 1, sizeLimit: 16 * MiB });
    await assert.rejects(h.station.arm({ artifact: h.img, slots: [slotOf(h, 0)], verify: true, count: null, sizeLimit: 64e9 }), /above the station's limit of 16777216 .*never raise it/);
    assert.equal(h.station.status().jobs.length, 0, 'no job armed');
    const lowered = await h.station.arm({ artifact: h.img, slots: [slotOf(h, 0)], verify: true, count: null, sizeLimit: 4 * MiB });
    assert.equal(lowered.sizeLimit, 4 * MiB);
    insert(h, 0, { size: 8 * MiB });
    await h.refresh();
    assert.equal(started(h), 0, 'an 8 MiB card is over the lowered 4 MiB limit');
    assert.equal(job(h, lowered.jobId).tiles[0]!.state, 'refused');
  });

  it('a station size limit lowered after arming applies to the next card at once', async () => {
    h = harness({ slots: 1 });
    const armed = await h.station.arm({ artifact: h.img, slots: [slotOf(h, 0)], verify: true, count: null });
    h.settings.set({ stationSizeLimitBytes: 4 * MiB });
    insert(h, 0, { size: 8 * MiB });
    await h.refresh();
    assert.equal(started(h), 0);
    assert.match(job(h, armed.jobId).tiles[0]!.message ?? '', /over the job's size limit of 4194304/);
  });

  it('a slot in a job of another live station process (state file, read again at arm time) cannot be armed or forgotten; a dead one does not block', async () => {
    h = harness({ slots: 2 });
    // Written after this station started: only a re-read sees it.
    writeFileSync(h.stateFile, JSON.stringify({ armed: [otherProcessJob(slotOf(h, 0), processIdentity.self())] }));
    await assert.rejects(h.station.arm({ artifact: h.img, slots: [slotOf(h, 0)], verify: true, count: null }), /already in armed job other-1 of another station process .*one job per slot/);
    await assert.rejects(h.station.forget(slotOf(h, 0)), /other-1 of another station process/);
    const mine = await h.station.arm({ artifact: h.img, slots: [slotOf(h, 1)], verify: true, count: null });
    const saved = JSON.parse(readFileSync(h.stateFile, 'utf8')) as { armed: SavedJob[] };
    assert.deepEqual(saved.armed.map((j) => j.jobId).sort(), ['other-1', mine.jobId].sort(), 'the other process\'s job is kept in the file');
    h.station.disarm(mine.jobId);
    writeFileSync(h.stateFile, JSON.stringify({ armed: [otherProcessJob(slotOf(h, 0), 'no-such-boot/1/1')] }));
    const taken = await h.station.arm({ artifact: h.img, slots: [slotOf(h, 0)], verify: true, count: null });
    assert.equal(taken.state, 'armed', 'a dead process\'s job does not own the slot');
  });

  it('a card present at arm stays excluded when it vanishes and is reported again, until its size goes away', async () => {
    h = harness({ slots: 1 });
    insert(h, 0);
    const armed = await h.station.arm({ artifact: h.img, slots: [slotOf(h, 0)], verify: true, count: null });
    assert.equal(armed.tiles[0]!.state, 'present-at-arm');
    const card = h.drives[0]!;
    h.drives.splice(0, 1);
    await h.refresh();
    assert.equal(job(h, armed.jobId).tiles[0]!.state, 'unplugged');
    h.drives.push(card);
    await h.refresh();
    assert.equal(started(h), 0, 'the same card re-reported is not written');
    assert.equal(job(h, armed.jobId).tiles[0]!.state, 'present-at-arm');
    pull(h, 0);
    await h.refresh();
    insert(h, 0);
    await h.refresh();
    assert.equal(started(h), 1, 'after a real removal, a card is written');
  });

  it('a written card that vanishes and is reported again is not written again', async () => {
    h = harness({ slots: 1 });
    await h.station.arm({ artifact: h.img, slots: [slotOf(h, 0)], verify: false, count: null });
    insert(h, 0);
    await h.refresh();
    await until(() => h!.writes.length === 1, 'the write');
    h.writes[0]!.finish();
    await until(() => finished(h!, 'station.card-done') === 1, 'the card done');
    const card = h.drives[0]!;
    h.drives.splice(0, 1);
    await h.refresh();
    h.drives.push(card);
    await h.refresh();
    assert.equal(started(h), 1);
  });

  it('a disarmed job keeps its slot while its card is in progress; the final counts reach the state file and the journal', async () => {
    h = harness({ slots: 1 });
    const armed = await h.station.arm({ artifact: h.img, slots: [slotOf(h, 0)], verify: false, count: null });
    insert(h, 0);
    await h.refresh();
    await until(() => h!.writes.length === 1, 'the write');
    h.station.disarm(armed.jobId);
    await assert.rejects(h.station.arm({ artifact: h.img, slots: [slotOf(h, 0)], verify: false, count: null }), /still being written by ended job/);
    await assert.rejects(h.station.forget(slotOf(h, 0)), /still being written/);
    const draining = (JSON.parse(readFileSync(h.stateFile, 'utf8')) as { armed: SavedJob[] }).armed;
    assert.deepEqual(draining.map((j) => [j.jobId, j.owned]), [[armed.jobId, [slotOf(h, 0)]]], 'the state file shows the slot still owned');
    h.writes[0]!.finish();
    await until(() => finished(h!, 'station.card-done') === 1, 'the card done');
    assert.equal(job(h, armed.jobId).done, 1);
    assert.ok(!existsSync(h.stateFile), 'no job owns a slot any more');
    const last = h.journalLines().filter((l) => l.audit === 'station' && l.jobId === armed.jobId).at(-1);
    assert.equal(last?.action, 'final-counts');
    assert.match(String(last?.detail), /^1 done, 0 failed/);
    const again = await h.station.arm({ artifact: h.img, slots: [slotOf(h, 0)], verify: false, count: null });
    assert.equal(again.state, 'armed');
  });
});
