/** RotatingFile (session logs): capped pieces, the oldest dropped, the newest bytes kept in order; the set listed oldest first. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pieceName, pieceOf, RotatingFile, rotatedSet } from '../../../src-main/services/serial/rotating-file.js';

test('a log written past its cap keeps `files` pieces of at most maxBytes, the newest bytes, in order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wb-rot-'));
  try {
    const path = join(dir, 'session.raw');
    const f = new RotatingFile(path, { maxBytes: 1000, files: 3 });
    const written: Buffer[] = [];
    for (let i = 0; i < 100; i += 1) {
      const chunk = Buffer.from(`${String(i).padStart(3, '0')}:${'x'.repeat(96)}\n`);
      f.write(chunk);
      written.push(chunk);
    }
    await f.close();
    assert.deepEqual(rotatedSet(path), [pieceName(path, 2), pieceName(path, 1), path]);
    assert.ok(!existsSync(pieceName(path, 3)), 'the oldest piece was dropped');
    for (const p of rotatedSet(path)) assert.ok(statSync(p).size <= 1000, `${p} within the cap`);
    const kept = Buffer.concat(rotatedSet(path).map((p) => readFileSync(p)));
    const all = Buffer.concat(written);
    // 101-byte writes: 9 fit in 1000 bytes; 100 writes = 11 full pieces + 1 write, the last 2 full pieces + 1 kept
    assert.deepEqual(rotatedSet(path).map((p) => statSync(p).size), [909, 909, 101]);
    assert.ok(all.subarray(all.length - kept.length).equals(kept), 'the newest bytes, oldest piece first');
    assert.ok(kept.toString().startsWith('081:'), 'whole writes: a piece starts at a write boundary');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an existing log is appended to and rotated from its current size; names of pieces', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wb-rot-'));
  try {
    const path = join(dir, 'a.log');
    writeFileSync(path, 'y'.repeat(900));
    const f = new RotatingFile(path, { maxBytes: 1000, files: 2 });
    f.write('z'.repeat(200));
    await f.close();
    assert.equal(readFileSync(pieceName(path, 1), 'utf8'), 'y'.repeat(900));
    assert.equal(readFileSync(path, 'utf8'), 'z'.repeat(200));
    assert.deepEqual(pieceOf('a.12.log'), { head: 'a.log', index: 12 });
    assert.equal(pieceOf('20251122-044618-ttyUSB0-ab12cd34.log'), null);
    assert.equal(pieceName('/x/a.raw', 3), '/x/a.3.raw');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
