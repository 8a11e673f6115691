/**
 * Station cards on fakes: a burst of device events starts one refresh and one card, eject re-checks the card's
 * identity, a card pulled mid-write fails alone, and other clients see a label, never a page's id.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { StationJobData } from '../../../../src-main/api/contract.js';
import { type Harness, harness, insert, MiB, pull, until } from './station-harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const named = (x: Harness, name: string) => x.events.filter((e) => e.name === name);
const slotOf = (x: Harness, n: number): string => x.drives[n]!.devicePath!;
const job = (x: Harness, jobId: string): StationJobData => x.station.status(jobId).jobs[0]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('station cards', () => {
  it('a burst of device events for one insert gives one drive refresh and starts exactly one card', async () => {
    h = harness({ slots: 1, listDelayMs: 5 });
    await h.station.arm({ artifact: h.img, slots: [slotOf(h, 0)], verify: false, count: null });
    const before = h.listCalls();
    insert(h, 0);
    // udev add + change + partition events + the size probe: ten events over ~20 ms.
    for (let i = 0; i < 10; i += 1) {
      h.event();
      await sleep(2);
    }
    await until(() => named(h!, 'station.card-started').length > 0, 'the card start');
    await sleep(150);
    assert.equal(h.listCalls() - before, 1, 'one refresh for the burst');
    assert.equal(named(h, 'station.card-started').length, 1, 'one card started');
    assert.equal(h.writes.length, 1);
  });

  it('ejects the written card only when the device still holds it; a swapped card is not ejected, and the slot says why', async () => {
    h = harness({ slots: 2 });
    const armed = await h.station.arm({ artifact: h.img, slots: [slotOf(h, 0), slotOf(h, 1)], verify: false, count: null });
    insert(h, 0, { serial: 'A' });
    insert(h, 1, { serial: 'B' });
    await h.refresh();
    await until(() => h!.writes.length === 2, 'two writes');
    // Slot 2's card is swapped for another one while it is written (same device path).
    insert(h, 1, { serial: 'OTHER', size: 16 * MiB });
    for (const w of h.writes) w.finish();
    await until(() => named(h!, 'station.card-done').length === 2, 'two cards done');
    assert.deepEqual(h.ejected, [h.drives[0]!.device], 'only the unchanged card is ejected');
    const j = job(h, armed.jobId);
    assert.deepEqual(j.cards.map((c) => [c.serial, c.ejected]).sort(), [['A', true], ['B', false]]);
    const tile = j.tiles.find((t) => t.slot === slotOf(h!, 1))!;
    assert.match(tile.message ?? '', /not ejected: \/dev\/sdr holds another card than the one written \(size 8388608 -> 16777216, serial B -> OTHER\)/);
    assert.ok(h.journalLines().some((l) => l.action === 'eject-skipped'));
  });

  it('a card pulled mid-write fails alone, is not counted, and its slot says why', async () => {
    h = harness({ slots: 2 });
    const armed = await h.station.arm({ artifact: h.img, slots: [slotOf(h, 0), slotOf(h, 1)], verify: true, count: 2 });
    insert(h, 0, { serial: 'PULLED' });
    insert(h, 1, { serial: 'GOOD' });
    await h.refresh();
    await until(() => h!.writes.length === 2, 'two writes');
    const pulled = h.writes.find((w) => w.job.drive.serial === 'PULLED')!;
    const good = h.writes.find((w) => w.job.drive.serial === 'GOOD')!;
    pull(h, 0);
    await h.refresh();
    pulled.fail(Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' }));
    await until(() => named(h!, 'station.card-failed').length === 1, 'the failed card');
    let j = job(h, armed.jobId);
    assert.deepEqual([j.done, j.failed, j.state], [0, 1, 'armed']);
    assert.equal(j.tiles.find((t) => t.slot === slotOf(h!, 1))!.state, 'writing', 'the other card goes on');
    // The slot was seen empty after the failure: it waits for a new card, and the failure was announced.
    const failed = named(h, 'station.card-failed')[0]!.payload as { announcement: string; card: { error: string; number: number | null } };
    assert.match(failed.announcement, /^slot 1: card FAILED \(not counted\): .*EIO/);
    assert.equal(failed.card.number, null);
    const tile = j.tiles.find((t) => t.slot === slotOf(h!, 0))!;
    assert.equal(tile.state, 'waiting');
    assert.match(tile.message ?? '', /^last card FAILED \(not counted\): .*EIO.*insert a new card/, 'the slot still says why');
    good.finish();
    await until(() => named(h!, 'station.card-done').length === 1, 'the good card');
    j = job(h, armed.jobId);
    assert.deepEqual([j.done, j.failed], [1, 1]);
    assert.equal(j.cards.find((c) => c.serial === 'PULLED')!.result, 'failed');
    assert.match(j.tiles.find((t) => t.slot === slotOf(h!, 0))!.message ?? '', /FAILED.*EIO/, 'still said after other slots changed');
  });

  it('other clients see a short label of a station page, never its id', async () => {
    h = harness({ slots: 1 });
    const page = 'station 192.168.157.2 c-0123456789abcdef01234567';
    const armed = await h.station.arm({ artifact: h.img, slots: [slotOf(h, 0)], verify: true, count: null, client: page });
    const seen = JSON.stringify([armed, h.events, h.station.status()]);
    assert.ok(!seen.includes('c-0123456789abcdef01234567'), 'the page id is never shown');
    assert.match(armed.armedBy, /^station 192\.168\.157\.2 #[0-9a-f]{6}$/);
    const other = 'station 192.168.157.2 c-ffffffffffffffffffffffff';
    const refused = await Promise.resolve()
      .then(() => h!.station.update(armed.jobId, { count: 3 }, other))
      .then(() => null, (e: Error) => e.message);
    assert.match(refused ?? '', /was armed by station 192\.168\.157\.2 #[0-9a-f]{6}: station 192\.168\.157\.2 #[0-9a-f]{6} cannot change it/);
    assert.ok(!(refused ?? '').includes('c-0123456789abcdef01234567'));
    // The label is not the id: the label sent back as a client does not act as the page.
    assert.throws(() => h!.station.disarm(armed.jobId, `station 192.168.157.2 ${armed.armedBy.split(' ')[2]!}`), /cannot disarm it/);
    assert.equal(h.station.disarm(armed.jobId, page).state, 'disarmed', 'the page itself may');
    // The journal (a local file) names the page in full, for the audit.
    assert.ok(h.journalLines().some((l) => l.action === 'armed' && l.client === page));
  });
});
