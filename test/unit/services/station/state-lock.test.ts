import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withFileLock } from '../../../../src-main/services/station/state-lock.js';

const CHILD = join(__dirname, 'claim-child.ts');

test('four station processes arm the same slot at once: exactly one job takes it, the others are told which one did', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wb-state-lock-'));
  const file = join(dir, 'station-jobs.json');
  const go = join(dir, 'go');
  const children = ['j1', 'j2', 'j3', 'j4'].map((name) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file, go, name], { stdio: ['pipe', 'pipe', 'inherit'] });
    const line = new Promise<string>((resolve) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
    });
    return { name, child, line };
  });
  try {
    await new Promise((r) => setTimeout(r, 1500)); // every child started and waits for the go file
    writeFileSync(go, '');
    const lines = await Promise.all(children.map((c) => c.line));
    const winners = children.filter((_, i) => lines[i] === 'won');
    assert.equal(winners.length, 1, lines.join('\n'));
    for (const l of lines.filter((x) => x !== 'won')) assert.match(l, new RegExp(`^A is already in armed job ${winners[0]!.name} of another station process`));
    const saved = (JSON.parse(readFileSync(file, 'utf8')) as { armed: { jobId: string }[] }).armed;
    assert.deepEqual(saved.map((j) => j.jobId), [winners[0]!.name], 'the state file holds the one job');
    assert.equal(existsSync(`${file}.lock`), false, 'the lock is released');
  } finally {
    for (const c of children) c.child.stdin.end();
    await Promise.all(children.map((c) => new Promise((r) => (c.child.exitCode !== null ? r(null) : c.child.once('exit', r)))));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a lock left by a dead process is taken over; one held by a live process ends in an error naming the file and the holder', { timeout: 30_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'wb-state-lock-'));
  const lock = join(dir, 'station-jobs.json.lock');
  try {
    writeFileSync(lock, '999999999 0123456789ab\n');
    assert.match(withFileLock(lock, () => readFileSync(lock, 'utf8')), new RegExp(`^${process.pid} [0-9a-f]{12}\\n$`), 'taken over, holding this PID');
    assert.equal(existsSync(lock), false);
    // a lock of this very PID is an earlier process's (a lock never nests): taken over too
    writeFileSync(lock, `${process.pid} 0123456789ab\n`);
    assert.equal(withFileLock(lock, () => 'taken'), 'taken');
    // an empty lock (never made by walt-bench: its locks appear whole) is not taken for a dead one's
    writeFileSync(lock, '');
    assert.throws(() => withFileLock(lock, () => 'never'), /held by process \(unknown\) for more than 3 s/);
    writeFileSync(lock, `${process.ppid} 0123456789ab\n`);
    assert.throws(() => withFileLock(lock, () => 'never'), (e: Error) => e.message === `${lock}: held by process ${process.ppid} for more than 3 s; if no walt-bench station runs, remove the file`);
    assert.equal(readFileSync(lock, 'utf8'), `${process.ppid} 0123456789ab\n`, "the live holder's lock is left alone");
    // a holder whose lock was broken and taken by another while it ran does not remove the other's lock
    rmSync(lock);
    withFileLock(lock, () => writeFileSync(lock, 'another 0123456789ab\n'));
    assert.equal(readFileSync(lock, 'utf8'), 'another 0123456789ab\n');
    assert.deepEqual(readdirSync(dir).sort(), ['station-jobs.json.lock'], 'no temporary file is left');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
