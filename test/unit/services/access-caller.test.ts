import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type Caller, callerByUid, grants, R, W, X } from '../../../src-main/services/access/caller.js';
import { splitDev } from '../../../src-main/services/access/resolved-path.js';
import { stateFolderProblem } from '../../../src-main/services/access/state-files.js';

const bob: Caller = { uid: 1000, gid: 1000, groups: [1000, 20], home: '/home/bob' };
const st = (mode: number, uid: number, gid: number) => ({ mode, uid, gid });

test('grants: owner class, else group class, else others, like the kernel; root always', () => {
  assert.equal(grants(st(0o755, 0, 0), bob, W | X), false, "root's 0755 folder: bob may not write");
  assert.equal(grants(st(0o755, 0, 0), bob, R | X), true);
  assert.equal(grants(st(0o775, 0, 20), bob, W | X), true, 'group-writable by a group bob is in');
  assert.equal(grants(st(0o077, 1000, 0), bob, R), false, 'the owner class applies to the owner even when others have more');
  assert.equal(grants(st(0o660, 0, 20), bob, R | W), true, 'a dialout-like port');
  assert.equal(grants(st(0o600, 0, 20), bob, R), false);
  assert.equal(grants(st(0o000, 5, 5), { ...bob, uid: 0 }, R | W), true, 'root');
});

test('callerByUid: primary group and home from passwd, supplementary groups from group', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wb-caller-'));
  try {
    const passwd = join(dir, 'passwd');
    const group = join(dir, 'group');
    writeFileSync(passwd, 'root:x:0:0:root:/root:/bin/sh\nbob:x:1000:1000:Bob:/home/bob:/bin/bash\n');
    writeFileSync(group, 'root:x:0:\nbob:x:1000:\ndialout:x:20:alice,bob\nplugdev:x:46:alice\n');
    assert.deepEqual(callerByUid(1000, 1000, { passwd, group }), { uid: 1000, gid: 1000, groups: [1000, 20], home: '/home/bob' });
    assert.deepEqual(callerByUid(4242, 4242, { passwd, group }), { uid: 4242, gid: 4242, groups: [4242], home: null });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('splitDev: glibc dev_t encoding (8:17 = sdb1, 252:4 = zram4, 259:65536 a large minor)', () => {
  assert.deepEqual(splitDev(8 * 256 + 17), { major: 8, minor: 17 });
  assert.deepEqual(splitDev(252 * 256 + 4), { major: 252, minor: 4 });
  const big = ((65536 & 0xfff00) * 4096) | ((259 & 0xfff) << 8) | (65536 & 0xff);
  assert.deepEqual(splitDev(big), { major: 259, minor: 65536 });
});

test('stateFolderProblem: a symlink, another owner, world-writable, or group-writable by a foreign group', () => {
  const dir = (mode: number, uid = 1000, gid = 1000, link = false) => ({ mode, uid, gid, isSymbolicLink: () => link, isDirectory: () => !link }) as never;
  assert.equal(stateFolderProblem('/s', dir(0o700), 1000, 1000), null);
  assert.equal(stateFolderProblem('/s', dir(0o775), 1000, 1000), null, "group-writable by the user's own group");
  assert.match(stateFolderProblem('/s', dir(0o700, 1000, 1000, true), 1000, 1000) ?? '', /symbolic link/);
  assert.match(stateFolderProblem('/s', dir(0o700, 0), 1000, 1000) ?? '', /belongs to uid 0/);
  assert.match(stateFolderProblem('/s', dir(0o777), 1000, 1000) ?? '', /writable by every user/);
  assert.match(stateFolderProblem('/s', dir(0o770, 1000, 27), 1000, 1000) ?? '', /writable by group 27/);
});
