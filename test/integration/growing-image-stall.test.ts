/**
 * A small .gz inflating for the cards from a source that stops delivering (a FIFO here, as a network share gone
 * quiet): the image fails after its quiet period naming the file and the offset; abandoned (its session cancelled,
 * the app closing), it stops at once. Either way whoever waits on it wakes, and its streams are gone.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, test } from 'node:test';
import { inflateGrowing } from '../../src-main/services/flash/growing-image.js';

const dir = mkdtempSync(join(tmpdir(), 'wb-stall-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const raw = Buffer.concat([randomBytes(1 << 20), Buffer.alloc(3 << 20)]);
const gz = gzipSync(raw);

/** A FIFO holding the first part of the .gz, kept open for writing (the reader sees no end): closes it when called. */
function stalledSource(name: string): { path: string; close(): void } {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  const fd = openSync(path, 'r+');
  writeSync(fd, gz, 0, 32 * 1024);
  return { path, close: () => closeSync(fd) };
}

test('a source that stops delivering fails its image after the quiet period, naming the file and the offset', { timeout: 20_000 }, async () => {
  const src = stalledSource('quiet.dd.gz');
  try {
    const image = inflateGrowing(src.path, gz.length, raw.length, 400);
    const t0 = Date.now();
    await assert.rejects(image.done, (e: Error & { hint?: string }) => {
      assert.match(e.message, new RegExp(`^quiet\\.dd\\.gz stopped delivering data: nothing arrived for 0\\.4 s at compressed offset \\d+ of ${gz.length}$`));
      assert.match(String(e.hint), /left without a partition table/);
      return true;
    });
    assert.ok(Date.now() - t0 >= 350, 'failed before its quiet period');
    assert.ok(image.available > 0 && image.available < raw.length);
    assert.equal(image.abandoned, false);
    await image.changed(); // a waiter wakes at once
  } finally {
    src.close();
  }
});

test('an abandoned image stops at once and wakes its waiters; nothing is said wrong with the file', { timeout: 20_000 }, async () => {
  const src = stalledSource('cancelled.dd.gz');
  try {
    const image = inflateGrowing(src.path, gz.length, raw.length, 60_000);
    while (image.available === 0) await image.changed();
    const waiting = image.changed();
    image.abandon();
    await waiting;
    await assert.rejects(image.done, /cancelled\.dd\.gz stopped inflating: its flash session was cancelled/);
    assert.equal(image.abandoned, true);
    assert.equal(image.finished, false);
  } finally {
    src.close();
  }
});
