import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { linkSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ApiError } from '../../../../src-main/api/errors.js';
import type { JournalLine } from '../../../../src-main/core/journal/record.js';
import { Journal } from '../../../../src-main/services/journal/journal.js';
import type { ProcessIdentity } from '../../../../src-main/services/journal/process-identity.js';
import { processIdentity } from '../../../../src-main/services/journal/process-identity.js';

const live = new Set<string>();
const fakeProcesses: ProcessIdentity = { self: () => 'me', isLive: (t) => live.has(t) };

const base = {
  time: '2026-12-03T06:00:00.000Z',
  device: '/dev/sdb',
  size: 32e9,
  description: 'reader',
  serial: null,
  imageName: 'pc-usb.dd.gz',
  imageSha256: null,
  bytes: 0,
  durationMs: 0,
  averageSpeed: 0,
  verified: false,
  error: null,
};
const started = (attempt: string, process = 'me'): JournalLine => ({ ...base, attempt, result: 'started', process });

describe('the journal file', () => {
  let dir: string;
  let n = 0;
  const file = (): string => join(dir, `journal${(n += 1)}.jsonl`);
  before(() => (dir = mkdtempSync(join(tmpdir(), 'wb-journal-unit-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('shows a started attempt as in progress while its process runs and as interrupted once it is gone', () => {
    const j = new Journal(file(), undefined, fakeProcesses);
    j.append(started('a'));
    j.append({ attempt: 'a', result: 'progress', bytes: 1234, durationMs: 10, averageSpeed: 1 });
    live.add('me');
    assert.deepEqual(j.read().records.map((r) => [r.result, r.bytes]), [['in-progress', 1234]]);
    live.clear();
    assert.deepEqual(j.read().records.map((r) => [r.result, r.bytes]), [['interrupted', 1234]]);
    j.append({ ...base, attempt: 'a', result: 'cancelled', bytes: 2000 });
    assert.deepEqual(j.read().records.map((r) => [r.result, r.bytes]), [['cancelled', 2000]]);
  });

  it('starts each append on a fresh line after a torn last line, so the new record is whole', () => {
    const path = file();
    writeFileSync(path, '{"time":"2026-12-0');
    const j = new Journal(path, undefined, fakeProcesses);
    j.append({ ...base, result: 'ok', bytes: 7 });
    assert.equal(readFileSync(path, 'utf8'), `{"time":"2026-12-0\n${JSON.stringify({ ...base, result: 'ok', bytes: 7 })}\n`);
    const { records, skippedLines } = j.read();
    assert.deepEqual([records.map((r) => r.bytes), skippedLines], [[7], [1]]);
  });

  it('refuses a symlinked journal.jsonl, writing nothing to the file it points at', () => {
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'secret\n');
    const path = file();
    symlinkSync(victim, path);
    const j = new Journal(path, undefined, fakeProcesses);
    assert.throws(() => j.append(started('x')), (e: ApiError) => e.code === 'refused' && /is a symbolic link/.test(e.message) && e.hint!.includes(`rm ${path}`));
    assert.throws(() => j.read(), /is a symbolic link/);
    assert.equal(readFileSync(victim, 'utf8'), 'secret\n');
  });

  it('refuses a hard link and a FIFO (without blocking on it)', () => {
    const victim = join(dir, 'victim2');
    writeFileSync(victim, 'secret\n');
    const hard = file();
    linkSync(victim, hard);
    assert.throws(() => new Journal(hard, undefined, fakeProcesses).append(started('x')), /a file with 2 names \(a hard link\)/);
    assert.equal(readFileSync(victim, 'utf8'), 'secret\n');
    const fifo = file();
    execFileSync('mkfifo', [fifo]);
    assert.throws(() => new Journal(fifo, undefined, fakeProcesses).read(), /not a plain file/);
  });

  it('the real process identity recognises this process and not a dead or reused one', () => {
    const me = processIdentity.self();
    assert.equal(processIdentity.isLive(me), true);
    const [boot, pid, start] = me.split('/');
    assert.equal(processIdentity.isLive(`${boot}/${pid}/${Number(start) + 1}`), false, 'same PID, another process');
    assert.equal(processIdentity.isLive(`another-boot/${pid}/${start}`), false);
    assert.equal(processIdentity.isLive('garbage'), false);
  });
});
