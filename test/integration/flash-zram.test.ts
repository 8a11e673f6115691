import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DriveIdentityData, DriveStatus } from '../../src-main/api/contract.js';
import { nextEvent, randomFile, startTestBackend, type TestBackend } from '../support/backend.js';
import { createZramCard, type ZramCard, zramAvailable } from '../support/zram.js';

const MiB = 1 << 20;
const skip = zramAvailable() ? false : 'needs root and zram';

function identity(d: DriveStatus): DriveIdentityData {
  return { device: d.device, size: d.size, description: d.description, serial: d.serial };
}

async function identities(t: TestBackend, cards: ZramCard[]): Promise<DriveIdentityData[]> {
  const drives = await t.api.call('drives.list', {});
  return cards.map((c) => {
    const d = drives.find((x) => x.device === c.device);
    assert.ok(d, `${c.device} listed`);
    return identity(d);
  });
}

async function flashAndWait(t: TestBackend, image: string, drives: DriveIdentityData[], verify = true) {
  const done = nextEvent(t.api, 'flash.done', undefined, 60000);
  const session = await t.api.call('flash.start', { image, drives, verify });
  const result = await done;
  assert.equal(result.sessionId, session.sessionId);
  return result.results;
}

describe('flashing zram cards', { skip }, () => {
  let t: TestBackend;
  const cards: ZramCard[] = [];
  let data: Buffer;
  let img: string;

  before(async () => {
    t = await startTestBackend();
    img = join(t.dir, 'walt-test.img');
    data = randomFile(img, 12 * MiB + 4096 + 512); // not a multiple of the chunk size: the tail is written too
    for (let i = 0; i < 3; i += 1) cards.push(createZramCard(32 * MiB));
  });
  after(async () => {
    await t.close();
    for (const c of cards) c.remove();
  });

  it('writes a raw image to one card: bytes equal, journal right', async () => {
    const [id] = await identities(t, [cards[0]!]);
    const results = await flashAndWait(t, img, [id!]);
    assert.deepEqual(results.map((r) => [r.device, r.ok, r.verified, r.bytes, r.error]), [[cards[0]!.device, true, true, data.length, null]]);
    execFileSync('cmp', ['-n', String(data.length), img, cards[0]!.device]);
    const { records } = await t.api.call('journal.list', {});
    const rec = records.at(-1)!;
    assert.equal(rec.device, cards[0]!.device);
    assert.equal(rec.size, 32 * MiB);
    assert.equal(rec.description, 'zram virtual disk');
    assert.equal(rec.imageName, 'walt-test.img');
    assert.equal(rec.imageSha256, createHash('sha256').update(data).digest('hex'));
    assert.equal(rec.bytes, data.length);
    assert.equal(rec.verified, true);
    assert.equal(rec.result, 'ok');
    assert.equal(rec.error, null);
    assert.ok(rec.durationMs > 0 && rec.averageSpeed > 0);
    // The journal on disk is JSON lines, one per attempt.
    const lines = readFileSync(t.backend.paths.journal, 'utf8').trim().split('\n');
    assert.equal(JSON.parse(lines.at(-1)!).device, cards[0]!.device);
  });

  for (const [kind, make] of [
    ['gz', (p: string) => execFileSync('gzip', ['-k', '-f', p])],
    ['xz', (p: string) => execFileSync('xz', ['-k', '-f', '-T1', '-0', p])],
    ['zip', (p: string) => execFileSync('zip', ['-j', '-q', `${p}.zip`, p])],
  ] as const) {
    it(`writes a ${kind} image to three cards, each verified`, async () => {
      make(img);
      const ids = await identities(t, cards);
      const results = await flashAndWait(t, `${img}.${kind}`, ids);
      assert.equal(results.length, 3);
      for (const r of results) assert.deepEqual([r.ok, r.verified, r.bytes, r.error], [true, true, data.length, null], r.device);
      for (const c of cards) execFileSync('cmp', ['-n', String(data.length), img, c.device]);
      const { records } = await t.api.call('journal.list', { limit: 3 });
      assert.deepEqual(records.map((r) => r.device).sort(), cards.map((c) => c.device).sort());
      const name = kind === 'zip' ? 'walt-test.img.zip:walt-test.img' : `walt-test.img.${kind}`;
      assert.ok(records.every((r) => r.imageName === name && r.result === 'ok'), JSON.stringify(records));
    });
  }

  it('writes a bz2 image with a warning', async () => {
    execFileSync('bzip2', ['-k', '-f', img]);
    const info = await t.api.call('image.inspect', { path: `${img}.bz2` });
    assert.equal(info.kind, 'bz2');
    assert.match(info.warnings[0]!, /bzip2/);
    const [id] = await identities(t, [cards[1]!]);
    const [r] = await flashAndWait(t, `${img}.bz2`, [id!]);
    assert.equal(r!.ok, true, r!.error ?? '');
    execFileSync('cmp', ['-n', String(data.length), img, cards[1]!.device]);
  });

  it('writes without verification when asked, and says so', async () => {
    const [id] = await identities(t, [cards[2]!]);
    const [r] = await flashAndWait(t, img, [id!], false);
    assert.deepEqual([r!.ok, r!.verified], [true, false]);
    assert.equal((await t.api.call('journal.list', { limit: 1 })).records[0]!.verified, false);
  });
});
