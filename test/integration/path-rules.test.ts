/**
 * The PathGuard on real parts (root, zram cards): every spelling of a device meets the same card rules, outputs go
 * only where the calling user may write and never over a file unasked, and the state folder cannot be redirected.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiError } from '../../src-main/api/errors.js';
import type { Drive } from '../../src-main/core/drives/drive.js';
import { createBackend } from '../../src-main/services/backend.js';
import { DrivelistLister } from '../../src-main/services/drives/drive-lister.js';
import { inProcessClient } from '../../src-main/transports/in-process/client.js';
import { startTestBackend, type TestBackend } from '../support/backend.js';
import { makeArchive, recoveryFiles } from '../support/card-archives.js';
import { mdir } from '../support/card-tools.js';
import { assertBuilt, runCli } from '../support/cli.js';
import { createZramCard, type ZramCard, zramAvailable } from '../support/zram.js';

const MiB = 1 << 20;
const nobody = { uid: 65534, gid: 65534 };
const asRoot = process.getuid?.() === 0 ? false : 'needs root';

/** Asserts a promise rejects with an ApiError of a code whose message matches. */
async function refused(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ApiError, `expected an ApiError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, message);
    return true;
  });
}

/** The three detours around a `/dev/` prefix check: a doubled slash, procfs's root link, and a symlink. */
function spellings(device: string, work: string): string[] {
  const link = join(work, `link-to-${device.split('/').pop()}`);
  if (!existsSync(link)) symlinkSync(device, link);
  return [`/${device}`, `/proc/self/root${device}`, link];
}

describe('card.rearm: every spelling of a device meets the same rules', { skip: zramAvailable() ? false : 'needs root and zram' }, () => {
  let t: TestBackend;
  let work: string;
  let card: ZramCard;

  /** Writes a built recovery card onto the zram card and marks it used (what a board does). */
  const usedRecoveryCard = (image: Buffer): void => {
    writeFileSync(card.device, image);
    execFileSync('mren', ['-i', `${card.device}@@4M`, '::recovery.bin', '::RECOVERY.000']);
  };
  let image: Buffer;

  before(async () => {
    t = await startTestBackend();
    work = mkdtempSync(join(tmpdir(), 'wb-rules-'));
    card = createZramCard(128 * MiB);
    const archive = makeArchive(work, 'rpi-4-sd-recovery.tar.gz', recoveryFiles(4));
    await t.api.call('card.build', { source: archive, output: join(work, 'recovery.img') });
    image = readFileSync(join(work, 'recovery.img'));
  });
  after(async () => {
    await t.close();
    card.remove();
    rmSync(work, { recursive: true, force: true });
  });

  it('rearms a used recovery card through //dev, /proc/self/root/dev and a symlink alike', async () => {
    for (const path of spellings(card.device, work)) {
      usedRecoveryCard(image);
      const r = await t.api.call('card.rearm', { path });
      assert.equal(r.changed, true, path);
      assert.equal(r.path, path, 'the result names the path as given');
      assert.match(mdir(card.device), /recovery\s+bin/i, path);
    }
  });

  it('refuses every spelling when the card is a system drive; the card is untouched', async () => {
    const lister = {
      list: async (): Promise<Drive[]> =>
        (await new DrivelistLister().list()).map((d) => (d.device === card.device ? { ...d, isSystem: true, isRemovable: false } : d)),
    };
    const sys = await startTestBackend({ lister });
    try {
      usedRecoveryCard(image);
      for (const path of [card.device, ...spellings(card.device, work)]) {
        await refused(sys.api.call('card.rearm', { path }), 'refused', /system drive/);
        await refused(sys.api.call('card.inspect', { path }), 'refused', /system drive/);
      }
      assert.match(mdir(card.device), /RECOVERY\s+000/i, 'still the used card');
    } finally {
      await sys.close();
    }
  });

  it('refuses every spelling when the card is mounted (fresh from the kernel), and rearms once unmounted', async () => {
    const other = createZramCard(32 * MiB);
    const mnt = join(work, 'mnt');
    mkdirSync(mnt, { recursive: true });
    try {
      execFileSync('mkfs.ext4', ['-q', other.device]);
      execFileSync('mount', ['-t', 'ext4', other.device, mnt]);
      try {
        for (const path of [other.device, ...spellings(other.device, work)]) {
          await refused(t.api.call('card.rearm', { path }), 'refused', new RegExp(`in use \\(${mnt}`));
        }
      } finally {
        execFileSync('umount', [mnt]);
      }
      // Unmounted, the same path reaches the card (and finds no FAT on an ext4 card).
      await refused(t.api.call('card.rearm', { path: `/${other.device}` }), 'refused', /no FAT filesystem/);
    } finally {
      other.remove();
    }
  });
});

describe('outputs go only where the calling user may write, never over a file unasked', { skip: asRoot }, () => {
  let t: TestBackend;
  let work: string;
  let archive: string;

  before(async () => {
    t = await startTestBackend();
    work = mkdtempSync(join(tmpdir(), 'wb-out-'));
    chmodSync(work, 0o755);
    archive = makeArchive(work, 'rpi-4-sd-recovery.tar.gz', recoveryFiles(4));
  });
  after(async () => {
    await t.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('card.build: an existing file is kept without overwrite, replaced with it', async () => {
    const out = join(work, 'settings.conf');
    writeFileSync(out, 'keep=me\n');
    await refused(t.api.call('card.build', { source: archive, output: out }), 'refused', /settings\.conf exists.*does not replace/);
    assert.equal(readFileSync(out, 'utf8'), 'keep=me\n', 'the file is unchanged');
    assert.ok(!existsSync(`${out}.part`), 'no .part left');
    const r = await t.api.call('card.build', { source: archive, output: out, overwrite: true });
    assert.equal(statSync(out).size, r.imageBytes, 'replaced by the image');
  });

  it('CLI: card build -o an existing file exits non-zero naming --overwrite, and replaces it with --overwrite', async () => {
    assertBuilt();
    const out = join(work, 'cli-existing.img');
    writeFileSync(out, 'old');
    const env = { WALT_BENCH_HOME: join(work, 'cli-home') };
    const refusedRun = await runCli(['card', 'build', archive, '-o', out], env);
    assert.notEqual(refusedRun.status, 0);
    assert.match(refusedRun.stderr, /cli-existing\.img exists[\s\S]*--overwrite/);
    assert.equal(readFileSync(out, 'utf8'), 'old');
    const replaced = await runCli(['card', 'build', archive, '-o', out, '--overwrite', '--json'], env);
    assert.equal(replaced.status, 0, replaced.stderr);
    assert.equal(statSync(out).size, (JSON.parse(replaced.stdout) as { imageBytes: number }).imageBytes);
  });

  it('card.build: -o a folder, a block device, the source or a symlink is refused, nothing left behind', async () => {
    const folder = join(work, 'existing-folder');
    mkdirSync(folder);
    await refused(t.api.call('card.build', { source: archive, output: folder }), 'refused', /is a folder: name the image file/);
    assert.ok(!existsSync(`${folder}.part`), 'no .part next to the folder');
    const sourceBytes = readFileSync(archive);
    await refused(t.api.call('card.build', { source: archive, output: archive, overwrite: true }), 'refused', /is the source/);
    assert.ok(readFileSync(archive).equals(sourceBytes), 'the source is unchanged');
    symlinkSync('/etc/hostname', join(work, 'link.img'));
    await refused(t.api.call('card.build', { source: archive, output: join(work, 'link.img'), overwrite: true }), 'refused', /symbolic link/);
    if (zramAvailable()) {
      const card = createZramCard(16 * MiB);
      try {
        await assert.rejects(t.api.call('card.build', { source: archive, output: card.device, overwrite: true }), (e: unknown) => {
          assert.ok(e instanceof ApiError && e.code === 'refused', String(e));
          assert.match(e.message, /is a device node/);
          assert.match(e.hint ?? '', /walt-bench flash <archive> --drive <device>/);
          return true;
        });
        assert.ok(lstatSync(card.device).isBlockDevice(), 'the device node is still a block device');
      } finally {
        card.remove();
      }
    }
    assert.deepEqual(readdirSync(work).filter((n) => n.endsWith('.part')), []);
  });

  it('card.build for another user: a folder they may not write is refused, their own gets a file they own', async () => {
    const theirs = join(work, 'nobody');
    mkdirSync(theirs);
    chownSync(theirs, nobody.uid, nobody.gid);
    const backend = await createBackend({ home: join(theirs, 'state'), owner: { ...nobody, home: theirs }, pollMs: 60_000 });
    try {
      const api = inProcessClient(backend.dispatcher);
      const rootOnly = join(work, 'root-only');
      mkdirSync(rootOnly, { mode: 0o755 });
      await refused(api.call('card.build', { source: archive, output: join(rootOnly, 'card.img') }), 'permission', /uid 65534 may not write in .*root-only/);
      assert.deepEqual(readdirSync(rootOnly), [], 'nothing written there');
      await api.call('card.build', { source: archive, output: join(theirs, 'card.img') });
      assert.equal(statSync(join(theirs, 'card.img')).uid, nobody.uid, 'the image belongs to the caller');
      // A sticky folder (like /tmp): another user's file is never replaced, even with overwrite.
      const sticky = join(work, 'sticky');
      mkdirSync(sticky);
      chmodSync(sticky, 0o1777);
      writeFileSync(join(sticky, 'roots.img'), 'root');
      await refused(api.call('card.build', { source: archive, output: join(sticky, 'roots.img'), overwrite: true }), 'permission', /sticky folder/);
      assert.equal(readFileSync(join(sticky, 'roots.img'), 'utf8'), 'root');
      // A source the caller may not read is not read for them either.
      const secret = join(rootOnly, 'secret.tar');
      writeFileSync(secret, 'x', { mode: 0o600 });
      await refused(api.call('card.build', { source: secret, output: join(theirs, 'x.img') }), 'permission', /may not read/);
    } finally {
      await backend.close();
    }
  });

  it('serial.logs.export: an existing file is kept without overwrite, replaced with it; never onto the log itself', async () => {
    const logs = t.backend.paths.logs;
    writeFileSync(join(logs, 'board.log'), 'U-Boot 2023.01\n');
    const to = join(work, 'board-copy.log');
    writeFileSync(to, 'precious\n');
    await refused(t.api.call('serial.logs.export', { name: 'board.log', to }), 'refused', /exists/);
    assert.equal(readFileSync(to, 'utf8'), 'precious\n');
    const r = await t.api.call('serial.logs.export', { name: 'board.log', to, overwrite: true });
    assert.equal(r.size, 15);
    assert.equal(readFileSync(to, 'utf8'), 'U-Boot 2023.01\n');
    await refused(t.api.call('serial.logs.export', { name: 'board.log', to: join(logs, 'board.log'), overwrite: true }), 'refused', /is the source/);
    await refused(t.api.call('serial.logs.export', { name: 'board.log', to: '/dev/null', overwrite: true }), 'refused', /device node/);
  });
});

describe('the state folder cannot be redirected', { skip: asRoot }, () => {
  let work: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'wb-state-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('symlinked settings.json.tmp and settings.json: the victims are unchanged', async () => {
    const home = join(work, 'home-settings');
    const victim = join(work, 'victim.bashrc');
    writeFileSync(victim, 'alias ll="ls -l"\n');
    const backend = await createBackend({ home, pollMs: 60_000 });
    try {
      symlinkSync(victim, join(home, 'settings.json.tmp'));
      const api = inProcessClient(backend.dispatcher);
      await api.call('settings.set', { verify: false });
      assert.equal(readFileSync(victim, 'utf8'), 'alias ll="ls -l"\n', 'nothing written through the .tmp link');
      assert.ok(lstatSync(join(home, 'settings.json')).isFile());
    } finally {
      await backend.close();
    }
    // settings.json itself a link to a JSON file: not read through it, and replaced (as a name) on the next save.
    const jsonVictim = join(work, 'victim.json');
    writeFileSync(jsonVictim, '{"verify": false, "includeVirtualDrives": true}\n');
    rmSync(join(home, 'settings.json'));
    symlinkSync(jsonVictim, join(home, 'settings.json'));
    const again = await createBackend({ home, pollMs: 60_000, env: {} });
    try {
      const api = inProcessClient(again.dispatcher);
      assert.equal((await api.call('settings.get', {})).includeVirtualDrives, false, 'the link is not read');
      await api.call('settings.set', { verify: true });
      assert.equal(readFileSync(jsonVictim, 'utf8'), '{"verify": false, "includeVirtualDrives": true}\n');
      assert.ok(!lstatSync(join(home, 'settings.json')).isSymbolicLink());
    } finally {
      await again.close();
    }
  });

  it('symlinked cache/, logs/ or uploads/: the backend refuses to start, the victim folder is untouched', async () => {
    for (const sub of ['cache', 'logs', 'uploads']) {
      const home = join(work, `home-${sub}`);
      const victim = join(work, `victim-${sub}`);
      mkdirSync(home, { mode: 0o700 });
      mkdirSync(victim);
      symlinkSync(victim, join(home, sub));
      await refused(createBackend({ home, pollMs: 60_000 }), 'refused', new RegExp(`${sub} is a symbolic link`));
      assert.deepEqual(readdirSync(victim), [], `${sub}: nothing created in the victim`);
    }
  });

  it('a state folder owned by another user, or writable by all, is refused', async () => {
    const foreign = join(work, 'foreign');
    mkdirSync(foreign, { mode: 0o700 });
    chownSync(foreign, 4242, 4242);
    await refused(createBackend({ home: foreign, pollMs: 60_000 }), 'refused', /belongs to uid 4242/);
    const open = join(work, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    await refused(createBackend({ home: open, pollMs: 60_000 }), 'refused', /writable by every user/);
    // A helper working for nobody refuses a folder that is root's.
    const roots = join(work, 'roots');
    mkdirSync(roots, { mode: 0o700 });
    await refused(createBackend({ home: roots, owner: { ...nobody, home: work }, pollMs: 60_000 }), 'refused', /belongs to uid 0.*uid 65534/);
  });
});
