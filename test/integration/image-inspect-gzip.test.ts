/**
 * What image.inspect says of real .gz files before anything is written: the size of a small one from its trailer while
 * it inflates in the background (its failure then named, and refused from then on), a truncated one whose tail cannot
 * be a size refused with the cause, a large one estimated from its trailer, and a trailer that cannot be the size.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { gzipChecked, gzipSize, KEEP_INFLATED_LIMIT } from '../../src-main/services/flash/gzip-size.js';
import { inspectImage } from '../../src-main/services/flash/image-inspect.js';

const MiB = 1024 * 1024;
let dir = '';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-gzip-'));
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('gzip images at inspection', () => {
  it('a whole .gz: its size, checked by the inflation that follows (CRC-32 and size), not an estimate', async () => {
    const path = join(dir, 'whole.img.gz');
    writeFileSync(path, gzipSync(Buffer.alloc(20 * MiB, 7)));
    const info = await inspectImage(path);
    assert.equal(info.size, 20 * MiB);
    assert.equal(info.sizeIsEstimate, false);
    const st = statSync(path);
    await gzipChecked(path, st.size, st.mtimeMs);
  });

  it('a truncated .gz whose tail cannot be a size is refused before writing: its last 4 bytes are data, never shown as a size', async () => {
    const whole = gzipSync(randomBytes(2 * MiB));
    // A cut whose last 4 bytes read as more than a small image holds (what most cuts give).
    let cut = 1000;
    while (whole.readUInt32LE(whole.length - cut - 4) <= KEEP_INFLATED_LIMIT) cut += 1;
    const path = join(dir, 'cut.img.gz');
    writeFileSync(path, whole.subarray(0, whole.length - cut));
    await assert.rejects(inspectImage(path), (e: Error & { hint?: string }) => {
      assert.match(e.message, /cut\.img\.gz is truncated: the file ends at offset \d+/);
      assert.match(String(e.hint), /download it again/);
      return true;
    });
  });

  it('a truncated .gz whose tail reads as a small size: the inflation names the cut, and the next check refuses it', async () => {
    const whole = gzipSync(randomBytes(2 * MiB));
    const path = join(dir, 'cut-small.img.gz');
    const cut = whole.subarray(0, whole.length - 1000);
    cut.writeUInt32LE(3 * MiB, cut.length - 4); // a tail that happens to look like a size
    writeFileSync(path, cut);
    const info = await inspectImage(path);
    assert.equal(info.size, 3 * MiB);
    const st = statSync(path);
    await assert.rejects(gzipChecked(path, st.size, st.mtimeMs), /cut-small\.img\.gz is (truncated|corrupt)/);
    await assert.rejects(inspectImage(path), /cut-small\.img\.gz is (truncated|corrupt).*offset \d+/);
  });

  it('corrupt deflate data is found by the inflation, naming the offset (the trailer CRC-32 catches bytes that still inflate)', async () => {
    const whole = gzipSync(randomBytes(MiB));
    whole.fill(0xff, 5000, 6000);
    const path = join(dir, 'corrupt.img.gz');
    writeFileSync(path, whole);
    const st = statSync(path);
    await inspectImage(path);
    await assert.rejects(gzipChecked(path, st.size, st.mtimeMs), (e: Error & { hint?: string }) => {
      assert.match(e.message, /corrupt\.img\.gz is corrupt: .*offset \d+/);
      assert.match(String(e.hint), /nothing was written to any card/);
      return true;
    });
    await assert.rejects(inspectImage(path), /corrupt\.img\.gz is corrupt: .*offset \d+/);
  });

  it('over the budget: the trailer ISIZE is the estimate when it can be the size', async () => {
    const data = randomBytes(3 * MiB);
    const gz = gzipSync(data, { level: 1 });
    const path = join(dir, 'big.img.gz');
    writeFileSync(path, gz);
    const got = await gzipSize(path, gz.length, 1, gz.readUInt32LE(gz.length - 4), MiB);
    assert.deepEqual(got, { kind: 'estimate', size: 3 * MiB });
  });

  it('over the budget: a trailer smaller than what the start inflates to is no size (unknown, at least that much)', async () => {
    const gz = gzipSync(randomBytes(3 * MiB), { level: 1 });
    gz.writeUInt32LE(1000, gz.length - 4); // what a cut file's tail can hold
    const path = join(dir, 'bad-trailer.img.gz');
    writeFileSync(path, gz);
    const got = await gzipSize(path, gz.length, 2, 1000, MiB);
    assert.equal(got.kind, 'unknown');
    assert.ok(got.kind === 'unknown' && got.atLeast > 0.99 * MiB && got.atLeast < 3 * MiB, JSON.stringify(got));
  });
});
