import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ApiError } from '../../src-main/api/errors.js';
import type { DriveIdentityData } from '../../src-main/api/contract.js';
import { nextEvent, randomFile, startTestBackend, type TestBackend } from '../support/backend.js';
import { throttleAvailable, throttleWrites } from '../support/throttle.js';
import { createZramCard, readHead, type ZramCard, zramAvailable } from '../support/zram.js';

const MiB = 1 << 20;
const skip = zramAvailable() ? false : 'needs root and zram';

async function idOf(t: TestBackend, device: string): Promise<DriveIdentityData> {
  const d = (await t.api.call('drives.list', {})).find((x) => x.device === device);
  assert.ok(d, `${device} is listed`);
  return { device: d.device, size: d.size, description: d.description, serial: d.serial };
}

const isZero = (b: Buffer): boolean => b.every((x) => x === 0);

describe('a failing card fails alone', { skip }, () => {
  let t: TestBackend;
  const cards: ZramCard[] = [];
  let img: string;

  before(async () => {
    t = await startTestBackend();
    img = join(t.dir, 'big.img');
    randomFile(img, 24 * MiB);
  });
  after(async () => {
    await t.close();
    for (const c of cards) c.remove();
  });

  it('an EIO mid-write fails that card with the cause; the others verify; its partition table was never written', async () => {
    const good1 = createZramCard(32 * MiB);
    const dying = createZramCard(32 * MiB, { memLimit: 4 * MiB });
    const good2 = createZramCard(32 * MiB);
    cards.push(good1, dying, good2);
    const ids = [await idOf(t, good1.device), await idOf(t, dying.device), await idOf(t, good2.device)];
    const done = nextEvent(t.api, 'flash.done', undefined, 60000);
    await t.api.call('flash.start', { image: img, drives: ids, verify: true });
    const { results } = await done;
    const byDevice = new Map(results.map((r) => [r.device, r]));
    assert.equal(byDevice.get(good1.device)!.ok, true);
    assert.equal(byDevice.get(good2.device)!.ok, true);
    assert.equal(byDevice.get(good1.device)!.verified, true);
    const failed = byDevice.get(dying.device)!;
    assert.equal(failed.ok, false);
    assert.match(failed.error!, new RegExp(`${dying.device}: I/O error at offset \\d+ .*EIO.*failing or was pulled out`));
    execFileSync('cmp', ['-n', String(24 * MiB), img, good1.device]);
    execFileSync('cmp', ['-n', String(24 * MiB), img, good2.device]);
    // The first chunk (MBR/GPT) is written last: the dying card never got it.
    assert.ok(isZero(readHead(dying.device, MiB)), 'first MiB of the failed card untouched');
    const { records } = await t.api.call('journal.list', { limit: 3 });
    const rec = records.find((r) => r.device === dying.device)!;
    assert.equal(rec.result, 'failed');
    assert.match(rec.error!, /EIO/);
  });

  it('refuses a card whose identity changed between selection and write', async () => {
    const card = createZramCard(32 * MiB);
    cards.push(card);
    const selected = await idOf(t, card.device);
    // Another "card" in the same slot: same device node, different size.
    writeFileSync(`/sys/block/zram${card.index}/reset`, '1');
    writeFileSync(`/sys/block/zram${card.index}/disksize`, String(48 * MiB));
    await assert.rejects(
      t.api.call('flash.start', { image: img, drives: [selected] }),
      (e: ApiError) => e.code === 'refused' && e.message.includes(`the card in ${card.device} changed since you selected it`),
    );
    assert.ok(isZero(readHead(card.device, 4 * MiB)), 'nothing written');
  });
});

describe('cards at their own pace', { skip: skip || (throttleAvailable() ? false : 'needs blkio cgroup') }, () => {
  let t: TestBackend;
  const cards: ZramCard[] = [];
  let img: string;
  let restore: (() => void) | null = null;

  before(async () => {
    t = await startTestBackend();
    img = join(t.dir, 'slow.img');
    randomFile(img, 16 * MiB);
  });
  after(async () => {
    restore?.();
    await t.close();
    for (const c of cards) c.remove();
  });

  it('sees a card inserted during a flash, adds it, and cancels one card alone', async () => {
    const slow = createZramCard(32 * MiB);
    const other = createZramCard(32 * MiB);
    cards.push(slow, other);
    restore = throttleWrites([
      { device: slow.device, bytesPerSecond: 4 * MiB },
      { device: other.device, bytesPerSecond: 16 * MiB },
    ]);
    const session = await t.api.call('flash.start', { image: img, drives: [await idOf(t, slow.device), await idOf(t, other.device)] });
    await nextEvent(t.api, 'flash.progress', (p) => p.device === slow.device && p.phase === 'write' && p.bytes > 0);
    let lateDevice = '';
    // other drives may come and go meanwhile (a shared machine, a busy desk): the event that names this card counts
    const attached = nextEvent(t.api, 'drives.changed', (c) => c.attached.includes(lateDevice));
    const late = createZramCard(32 * MiB);
    lateDevice = late.device;
    cards.push(late);
    const change = await attached;
    assert.ok(change.attached.includes(late.device), 'the inserted card is seen live');
    const lateRow = change.drives.find((d) => d.device === late.device)!;
    assert.equal(lateRow.eligible, true);
    const done = nextEvent(t.api, 'flash.done', (d) => d.sessionId === session.sessionId, 60000);
    await t.api.call('flash.add', {
      sessionId: session.sessionId,
      drive: { device: late.device, size: lateRow.size, description: lateRow.description, serial: lateRow.serial },
    });
    const status = await t.api.call('flash.cancel', { sessionId: session.sessionId, device: slow.device });
    assert.equal(status.cards.length, 3);
    const { results } = await done;
    const by = new Map(results.map((r) => [r.device, r]));
    assert.equal(by.get(slow.device)!.cancelled, true);
    assert.equal(by.get(slow.device)!.ok, false);
    assert.equal(by.get(other.device)!.ok, true);
    assert.equal(by.get(late.device)!.ok, true);
    execFileSync('cmp', ['-n', String(16 * MiB), img, other.device]);
    execFileSync('cmp', ['-n', String(16 * MiB), img, late.device]);
    const { records } = await t.api.call('journal.list', { limit: 3 });
    assert.equal(records.find((r) => r.device === slow.device)!.result, 'cancelled');
  });
});

describe('mounted cards', { skip }, () => {
  let t: TestBackend;
  const cards: ZramCard[] = [];
  let img: string;
  const mounts: string[] = [];

  before(async () => {
    t = await startTestBackend();
    img = join(t.dir, 'm.img');
    randomFile(img, 8 * MiB);
  });
  after(async () => {
    for (const m of mounts) if (readFileSync('/proc/mounts', 'utf8').includes(` ${m} `)) execFileSync('umount', ['-l', m]);
    await t.close();
    for (const c of cards) c.remove();
  });

  function mountCard(card: ZramCard): string {
    execFileSync('mkfs.ext4', ['-q', '-F', card.device], { stdio: 'ignore' });
    const dir = join(t.dir, `mnt-${card.index}`);
    mkdirSync(dir);
    execFileSync('mount', [card.device, dir]);
    mounts.push(dir);
    return dir;
  }

  it('unmounts a mounted card, then writes it', async () => {
    const card = createZramCard(32 * MiB);
    cards.push(card);
    const dir = mountCard(card);
    const row = (await t.api.call('drives.list', {})).find((d) => d.device === card.device)!;
    assert.deepEqual(row.reasons.map((r) => [r.code, r.severity]), [['mounted', 'warn']]);
    const done = nextEvent(t.api, 'flash.done');
    await t.api.call('flash.start', { image: img, drives: [await idOf(t, card.device)] });
    const [r] = (await done).results;
    assert.equal(r!.ok, true, r!.error ?? '');
    assert.equal(readFileSync('/proc/mounts', 'utf8').includes(` ${dir} `), false, 'unmounted');
    execFileSync('cmp', ['-n', String(8 * MiB), img, card.device]);
  });

  it('says what holds a busy mount, and leaves the card alone', async () => {
    const card = createZramCard(32 * MiB);
    cards.push(card);
    const dir = mountCard(card);
    const holder = spawn('sleep', ['30'], { cwd: dir, stdio: 'ignore' });
    try {
      const done = nextEvent(t.api, 'flash.done');
      await t.api.call('flash.start', { image: img, drives: [await idOf(t, card.device)] });
      const [r] = (await done).results;
      assert.equal(r!.ok, false);
      assert.match(r!.error!, new RegExp(`${card.device}: cannot unmount ${dir} \\(.*busy.*\\) \\(close the files and windows open on ${dir}, then retry\\)`));
    } finally {
      holder.kill();
    }
  });
});

describe('refusals before any byte is written', { skip }, () => {
  let t: TestBackend;
  const cards: ZramCard[] = [];
  let img: string;
  let target: ZramCard;
  let loopDevice: string | null = null;
  let mountDir: string | null = null;

  before(async () => {
    t = await startTestBackend();
    img = join(t.dir, 'ok.img');
    randomFile(img, 12 * MiB);
    target = createZramCard(32 * MiB);
    cards.push(target);
  });
  after(async () => {
    if (mountDir) execFileSync('umount', [mountDir]);
    if (loopDevice) execFileSync('losetup', ['-d', loopDevice]);
    await t.close();
    for (const c of cards) c.remove();
  });

  it('a drive without a size', async () => {
    const empty = createZramCard(0);
    cards.push(empty);
    const row = (await t.api.call('drives.list', {})).find((d) => d.device === empty.device)!;
    assert.equal(row.eligible, false);
    assert.deepEqual(row.reasons.map((r) => r.code), ['no-size']);
    await assert.rejects(
      t.api.call('flash.start', { image: img, drives: [{ device: empty.device, size: null, description: row.description, serial: null }] }),
      /reports no size/,
    );
  });

  it('a card too small for the image', async () => {
    const small = createZramCard(8 * MiB);
    cards.push(small);
    const rows = await t.api.call('drives.list', { image: img });
    assert.deepEqual(rows.find((d) => d.device === small.device)!.reasons.map((r) => r.code), ['too-small']);
    await assert.rejects(t.api.call('flash.start', { image: img, drives: [await idOf(t, small.device)] }), /too small: 8\.0 MiB for an image of 12\.0 MiB/);
    assert.ok(isZero(readHead(small.device, MiB)));
  });

  it("the image's own drive", async () => {
    const holder = createZramCard(64 * MiB);
    cards.push(holder);
    execFileSync('mkfs.ext4', ['-q', '-F', holder.device]);
    mountDir = join(t.dir, 'mnt');
    mkdirSync(mountDir);
    execFileSync('mount', [holder.device, mountDir]);
    const inside = join(mountDir, 'image.img');
    copyFileSync(img, inside);
    const row = (await t.api.call('drives.list', { image: inside })).find((d) => d.device === holder.device)!;
    assert.ok(row.reasons.some((r) => r.code === 'source'), JSON.stringify(row.reasons));
    await assert.rejects(
      t.api.call('flash.start', { image: inside, drives: [await idOf(t, holder.device)] }),
      /the image file lives on \/dev\/zram\d+/,
    );
  });

  it('a loop device is never listed, so never written', async () => {
    const backing = join(t.dir, 'loop.bin');
    randomFile(backing, 16 * MiB);
    loopDevice = execFileSync('losetup', ['--find', '--show', backing], { encoding: 'utf8' }).trim();
    const rows = await t.api.call('drives.list', {});
    assert.equal(rows.some((d) => d.device === loopDevice), false);
    await assert.rejects(
      t.api.call('flash.start', { image: img, drives: [{ device: loopDevice, size: 16 * MiB, description: '', serial: null }] }),
      /not in the drive list/,
    );
  });

  it('never lists or writes the system disk', async () => {
    const vda = (await t.api.call('drives.list', {})).find((d) => d.mountpoints.some((m) => m.path === '/'));
    if (vda) {
      assert.equal(vda.eligible, false);
      assert.ok(vda.reasons.some((r) => r.code === 'system'));
    }
  });

  const corrupt: [string, (dir: string) => string, RegExp][] = [
    ['a truncated gzip', (d) => { const p = join(d, 'trunc.img'); randomFile(p, 4 * MiB); execFileSync('gzip', ['-f', p]); truncateSync(`${p}.gz`, 2 * MiB); return `${p}.gz`; }, /trunc\.img\.gz is truncated: the file ends at offset 2097152 \(2\.0 MiB\) before its gzip stream is complete/],
    ['a truncated xz', (d) => { const p = join(d, 'trunc2.img'); randomFile(p, 4 * MiB); execFileSync('xz', ['-f', '-0', p]); truncateSync(`${p}.xz`, 2 * MiB); return `${p}.xz`; }, /trunc2\.img\.xz is truncated: the file ends at offset 2097152 \(2\.0 MiB\) without the xz index and footer/],
    ['a zip without an image', (d) => { const p = join(d, 'notes.txt'); writeFileSync(p, 'hello'); execFileSync('zip', ['-j', '-q', join(d, 'noimg.zip'), p]); return join(d, 'noimg.zip'); }, /noimg\.zip: the zip holds no disk image .*found: notes\.txt/],
    ['an empty file', (d) => { const p = join(d, 'empty.img'); writeFileSync(p, ''); return p; }, /empty\.img: is empty \(0 bytes\)/],
    ['a missing file', (d) => join(d, 'nope.img'), /nope\.img: no such file/],
  ];
  for (const [what, make, message] of corrupt) {
    it(`${what}: a clear error, nothing written`, async () => {
      const path = make(t.dir);
      const before = (await t.api.call('journal.list', {})).records.length;
      await assert.rejects(
        t.api.call('flash.start', { image: path, drives: [await idOf(t, target.device)] }),
        (e: ApiError) => e.code === 'source-error' && message.test(e.message) && Boolean(e.hint),
      );
      assert.ok(isZero(readHead(target.device, 4 * MiB)), 'the card is untouched');
      assert.equal((await t.api.call('journal.list', {})).records.length, before, 'no card attempt journaled');
    });
  }
});
