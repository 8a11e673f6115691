/**
 * Each new setting changes what the backend does, on a real backend (real settings file, journal, catalog store,
 * path guard) with fakes only at its I/O edges (the drive lister, the card writer): the large-drive limit decides
 * which card needs a confirmation, the journal location where attempts are written and read, the catalog source which
 * catalog is read (and what the system check says of it). Invalid values are refused with the reason and the fix.
 */
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DriveIdentityData } from '../../../src-main/api/contract.js';
import { callerByUid } from '../../../src-main/services/access/caller.js';
import { PathGuard } from '../../../src-main/services/access/path-guard.js';
import { defaultCatalogPath } from '../../../src-main/services/catalog/catalog-store.js';
import { Journal } from '../../../src-main/services/journal/journal.js';
import type { JournalLine } from '../../../src-main/core/journal/record.js';
import { startTestBackend, type TestBackend } from '../../support/backend.js';
import { fakeDrive } from '../../support/drives.js';

const MiB = 1 << 20;
const drive = fakeDrive({ device: '/dev/sdq', description: 'fake 64 GB reader', size: 64e9, serial: 'S64' });
const identity: DriveIdentityData = { device: drive.device, size: drive.size, description: drive.description, serial: drive.serial };
const isRoot = process.getuid?.() === 0;

describe('settings wired where they apply', () => {
  let t: TestBackend;
  let image = '';
  const written: string[] = [];
  before(async () => {
    t = await startTestBackend({
      watchDrives: false,
      lister: { list: async () => [drive] },
      writeCard: async (job) => {
        written.push(job.drive.device);
        return { bytes: job.size, verified: false };
      },
    });
    image = join(t.dir, 'small.img');
    writeFileSync(image, Buffer.alloc(MiB, 3));
  });
  after(async () => t.close());

  /** Starts a flash of the small image on the fake card and waits for its end. */
  const flashOnce = async (confirmLarge: boolean): Promise<void> => {
    const done = new Promise<void>((resolve) => {
      const off = t.api.on('flash.done', () => {
        off();
        resolve();
      });
    });
    await t.api.call('flash.start', { image, drives: [identity], verify: false, confirmLarge });
    await done;
  };

  it('large-drive limit: a 64 GB card needs no confirmation under the default 128 GB, and needs one under 32 GB', async () => {
    const [before] = await t.api.call('drives.list', {});
    assert.equal(before!.needsConfirm, false);
    await t.api.call('settings.set', { largeDriveBytes: 32e9 });
    const [after] = await t.api.call('drives.list', {});
    assert.equal(after!.needsConfirm, true);
    assert.ok(after!.reasons.some((r) => r.code === 'large'));
    await assert.rejects(t.api.call('flash.start', { image, drives: [identity], verify: false, confirmLarge: false }), /larger than the large-drive limit \(32 GB = 29\.8 GiB, a setting\)/);
    assert.equal(written.length, 0, 'nothing written without the confirmation');
    await flashOnce(true);
    assert.deepEqual(written, ['/dev/sdq'], 'written once confirmed');
    await t.api.call('settings.set', { largeDriveBytes: 128e9 });
    assert.equal((await t.api.call('drives.list', {}))[0]!.needsConfirm, false);
  });

  it('large-drive limit: below 1 GB is refused with the reason, the stored value stays', async () => {
    await assert.rejects(t.api.call('settings.set', { largeDriveBytes: 1000 }), /largeDriveBytes.*at least 1 GB/s);
    assert.equal((await t.api.call('settings.get', {})).largeDriveBytes, 128e9);
  });

  it('journal location: the next attempt is journaled in the chosen folder and read from there; clearing it goes back', async () => {
    const own = join(t.dir, 'journals');
    mkdirSync(own);
    const stateJournal = join(t.backend.paths.home, 'journal.jsonl');
    await flashOnce(false);
    const inState = (await t.api.call('journal.list', {})).records.length;
    assert.ok(inState >= 1 && existsSync(stateJournal));
    const set = await t.api.call('settings.set', { journalDir: own });
    assert.equal(set.journalDir, own);
    assert.equal((await t.api.call('journal.list', {})).records.length, 0, 'the new location has no journal yet');
    await flashOnce(false);
    const moved = await t.api.call('journal.list', {});
    assert.equal(moved.records.length, 1);
    assert.equal(moved.records[0]!.device, '/dev/sdq');
    assert.match(readFileSync(join(own, 'journal.jsonl'), 'utf8'), /"result":"ok"/);
    assert.equal((readFileSync(stateJournal, 'utf8').match(/"result":"started"/g) ?? []).length, inState, 'the state folder journal got nothing new');
    await t.api.call('settings.set', { journalDir: null });
    assert.equal((await t.api.call('journal.list', {})).records.length, inState);
  });

  it('journal location: a missing folder, a file, a relative path and (as root) a folder of another user are refused with the fix', async () => {
    await assert.rejects(t.api.call('settings.set', { journalDir: join(t.dir, 'nope') }), (e: Error & { hint?: string }) => {
      assert.match(e.message, /does not exist/);
      assert.match(e.hint ?? '', /mkdir -p/);
      return true;
    });
    await assert.rejects(t.api.call('settings.set', { journalDir: image }), /is not a folder/);
    await assert.rejects(t.api.call('settings.set', { journalDir: 'journals' }), /an absolute folder path/);
    assert.equal((await t.api.call('settings.get', {})).journalDir, null);
  });

  it('journal location: a hand-edited settings.json never takes a folder the checks refuse, nor one a link moved since', async () => {
    const file = join(t.backend.paths.home, 'settings.json');
    await t.api.call('settings.set', { journalDir: null });
    const kept = readFileSync(file, 'utf8');
    const target = join(t.dir, 'jr-real');
    mkdirSync(target);
    const viaLink = join(t.dir, 'jr-link');
    symlinkSync(target, viaLink);
    try {
      // a path that is not canonical (it goes through a link): stored like that only by hand, refused at use
      writeFileSync(file, JSON.stringify({ ...JSON.parse(kept), journalDir: viaLink }));
      await new Promise((r) => setTimeout(r, 20));
      await assert.rejects(t.api.call('journal.list', {}), (e: Error & { hint?: string }) => /now leads to .*jr-real/.test(e.message) && /settings set journalDir/.test(e.hint ?? ''));
      const before = written.length;
      const done = new Promise<{ ok: boolean; error: string | null }[]>((resolve) => {
        const off = t.api.on('flash.done', (p) => {
          off();
          resolve(p.results);
        });
      });
      await t.api.call('flash.start', { image, drives: [identity], verify: false, confirmLarge: true });
      const [card] = await done;
      assert.equal(card?.ok, false);
      assert.match(card?.error ?? '', /now leads to/, 'the card says why it was not written');
      assert.equal(written.length, before, 'a card whose journal line cannot be written is not written');
      assert.ok(!existsSync(join(target, 'journal.jsonl')), 'no journal made through the link');
      // a folder that no longer exists
      writeFileSync(file, JSON.stringify({ ...JSON.parse(kept), journalDir: join(t.dir, 'gone') }));
      await new Promise((r) => setTimeout(r, 20));
      await assert.rejects(t.api.call('journal.list', {}), /does not exist/);
    } finally {
      writeFileSync(file, kept);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal((await t.api.call('settings.get', {})).journalDir, null);
  });

  it('journal location changed while a card is being written: its whole record stays in the journal it started in', () => {
    const a = join(t.dir, 'ja');
    const b = join(t.dir, 'jb');
    mkdirSync(a);
    mkdirSync(b);
    let now = join(a, 'journal.jsonl');
    const journal = new Journal(() => now);
    const fields = { time: new Date().toISOString(), device: '/dev/sdq', size: 64e9, description: 'fake', serial: null, image: 'x.img', imageSha256: null, bytes: 0, durationMs: 0, averageSpeed: 0, verified: false, error: null };
    journal.append({ ...fields, attempt: 'c1', result: 'started', process: journal.self() } as unknown as JournalLine);
    now = join(b, 'journal.jsonl');
    journal.append({ attempt: 'c1', result: 'progress', bytes: 10, durationMs: 1, averageSpeed: 10 });
    journal.append({ ...fields, attempt: 'c1', result: 'ok', bytes: 20 } as unknown as JournalLine);
    journal.append({ ...fields, attempt: 'c2', result: 'started', process: journal.self() } as unknown as JournalLine);
    const lines = (f: string) => readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { attempt: string; result: string });
    assert.deepEqual(lines(join(a, 'journal.jsonl')).map((l) => `${l.attempt}:${l.result}`), ['c1:started', 'c1:progress', 'c1:ok']);
    assert.deepEqual(lines(join(b, 'journal.jsonl')).map((l) => `${l.attempt}:${l.result}`), ['c2:started'], 'the next card goes to the new location');
  });

  it('journal location for a root helper working for a user: only a folder of theirs that they can write', { skip: !isRoot && 'needs root (chown)' }, () => {
    const guard = new PathGuard({ caller: callerByUid(4242, 4242), drives: async () => [] });
    chmodSync(t.dir, 0o755);
    const rootsFolder = join(t.dir, 'roots');
    mkdirSync(rootsFolder, { mode: 0o777 });
    assert.throws(() => guard.writableFolder(rootsFolder, 'the journal location'), /belongs to uid 0, not to you \(uid 4242\)/);
    const locked = join(t.dir, 'locked');
    mkdirSync(locked, { mode: 0o500 });
    chownSync(locked, 4242, 4242);
    assert.throws(() => guard.writableFolder(locked, 'the journal location'), (e: Error & { hint?: string }) => /not writable by uid 4242/.test(e.message) && /chmod u\+w/.test(e.hint ?? ''));
    const theirs = join(t.dir, 'theirs');
    mkdirSync(theirs, { mode: 0o700 });
    chownSync(theirs, 4242, 4242);
    assert.equal(guard.writableFolder(theirs, 'the journal location').real, theirs);
  });

  it('catalog source: catalog.get reads the chosen file, the system check and About name it; a folder is refused; cleared: the shipped one', async () => {
    const shipped = JSON.parse(readFileSync(defaultCatalogPath(), 'utf8')) as { name: string };
    const mine = join(t.dir, 'my-catalog.json');
    writeFileSync(mine, JSON.stringify({ ...shipped, name: 'the lab catalog' }));
    assert.equal((await t.api.call('catalog.get', {})).catalog.name, shipped.name);
    await t.api.call('settings.set', { catalogSource: mine });
    assert.equal((await t.api.call('catalog.get', {})).catalog.name, 'the lab catalog');
    assert.equal((await t.api.call('catalog.get', { catalog: defaultCatalogPath() })).catalog.name, shipped.name, 'a catalog named in the command wins');
    const about = (await t.api.call('app.about', {})).catalog!;
    assert.deepEqual([about.name, about.source], ['the lab catalog', mine], 'About shows the catalog in force');
    const check = (await t.api.call('doctor.run', {})).checks.find((c) => c.id === 'catalog')!;
    assert.equal(check.state, 'ok');
    assert.match(check.found, /my-catalog\.json: read from the file/);
    await assert.rejects(t.api.call('settings.set', { catalogSource: t.dir }), /is a folder/);
    await assert.rejects(t.api.call('settings.set', { catalogSource: 'ftp://x/c.json' }), /an http\(s\) URL or an absolute file path/);
    // A URL nobody answers and no copy kept: the system check fails and says how to fix it.
    await t.api.call('settings.set', { catalogSource: 'http://127.0.0.1:9/catalog.json' });
    const down = (await t.api.call('doctor.run', {})).checks.find((c) => c.id === 'catalog')!;
    assert.equal(down.state, 'fail');
    assert.match(down.fix!, /catalog source in Settings/);
    assert.equal((await t.api.call('app.about', {})).catalog, null, 'a URL never read: About has no catalog to show');
    await t.api.call('settings.set', { catalogSource: null });
    assert.equal((await t.api.call('catalog.get', {})).catalog.name, shipped.name);
  });

  it('default baud and bench interface: validated and stored', async () => {
    await assert.rejects(t.api.call('settings.set', { defaultBaud: 10 }), /defaultBaud/);
    await assert.rejects(t.api.call('settings.set', { benchIface: 'eth1; rm -rf /' }), /an interface name such as eth1/);
    const s = await t.api.call('settings.set', { defaultBaud: 9600, benchIface: 'eth7' });
    assert.deepEqual([s.defaultBaud, s.benchIface], [9600, 'eth7']);
    const file = JSON.parse(readFileSync(join(t.backend.paths.home, 'settings.json'), 'utf8')) as { defaultBaud: number; benchIface: string };
    assert.deepEqual([file.defaultBaud, file.benchIface], [9600, 'eth7']);
  });
});
