import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ApiError } from '../../src-main/api/errors.js';
import { prepareRawImage } from '../../src-main/services/flash/decompress.js';
import { gzipChecked } from '../../src-main/services/flash/gzip-size.js';
import { inspectImage } from '../../src-main/services/flash/image-inspect.js';
import { gzipBomb } from '../support/bad-sources.js';

const MiB = 1 << 20;
const isRoot = process.getuid?.() === 0;

/**
 * A bomb made of many 4 MiB members: its trailer gives the last member's size, so the first check streams it and finds
 * it inflating past that size; the next check inflates it whole. Returns what that one says.
 */
async function inspectedWhole(path: string) {
  await inspectImage(path);
  const st = statSync(path);
  await assert.rejects(gzipChecked(path, st.size, st.mtimeMs), /inflates past the \d+ bytes its gzip trailer gives/);
  return inspectImage(path);
}

describe('decompression into the cache (real files, real filesystems)', () => {
  let dir: string;
  let cache: string;
  let tmpfs: string | null = null;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'wb-decomp-'));
    cache = join(dir, 'cache');
    mkdirSync(cache);
  });
  after(() => {
    if (tmpfs) execFileSync('umount', [tmpfs]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('an abort stops decoding at once and deletes the .part (no finished image either)', async () => {
    const bomb = join(dir, 'long.img.gz');
    gzipBomb(bomb, 2048);
    const info = await inspectImage(bomb);
    const abort = new AbortController();
    let out = 0;
    let abortedAt = 0;
    const run = prepareRawImage(info, cache, {
      signal: abort.signal,
      largestCard: { device: '/dev/sdz', bytes: 4096 * MiB },
      onProgress: (_c, _t, bytes) => {
        out = bytes;
        if (bytes > 8 * MiB && !abort.signal.aborted) {
          abortedAt = bytes;
          abort.abort();
        }
      },
    });
    await assert.rejects(run, (e: Error) => e.name === 'AbortError');
    assert.ok(out - abortedAt <= 4 * MiB, `decoding went on for ${out - abortedAt} bytes after the abort`);
    assert.deepEqual(readdirSync(cache), []);
  });

  it('a bomb stops as soon as the output passes the largest selected card: bounded reading, no partial file', async () => {
    const bomb = join(dir, 'card-bomb.img.gz');
    const compressed = gzipBomb(bomb, 512);
    const info = await inspectedWhole(bomb);
    await assert.rejects(
      prepareRawImage(info, cache, { onProgress: () => undefined, largestCard: { device: '/dev/sdz', bytes: 64 * MiB } }),
      (e: ApiError) => {
        const m = /^card-bomb\.img\.gz decompresses to more than 64\.0 MiB, the size of the largest selected card \(\/dev\/sdz\): stopped after (\d+) of its (\d+) compressed bytes, the partial file deleted$/.exec(e.message);
        assert.ok(m, e.message);
        assert.equal(Number(m[2]), compressed);
        // 64 of 512 MiB is 1/8 of the input: decoding stopped there (read ahead by a chunk or two at most)
        assert.ok(Number(m[1]) < compressed / 4, `read ${m[1]} of ${compressed} compressed bytes`);
        return true;
      },
    );
    assert.deepEqual(readdirSync(cache), [], 'the partial file is deleted');
  });

  it("stops when the output passes the cache's free space (less a reserve), naming the folder", { skip: isRoot ? false : 'needs root to mount a tmpfs' }, async () => {
    tmpfs = join(dir, 'small');
    mkdirSync(tmpfs);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=96m', 'tmpfs', tmpfs]);
    const bomb = join(dir, 'bomb.img.gz');
    gzipBomb(bomb, 256);
    // as a .gz too large to inflate when chosen: its size unknown, so only the stream's bound can stop it
    const info = { ...(await inspectedWhole(bomb)), size: null, sizeIsEstimate: true };
    await assert.rejects(
      prepareRawImage(info, tmpfs, { onProgress: () => undefined, largestCard: { device: '/dev/sdz', bytes: 1024 * MiB } }),
      (e: ApiError) =>
        e.code === 'source-error' &&
        new RegExp(`^bomb\\.img\\.gz decompresses to more than the 32\\.0 MiB free in ${tmpfs}: stopped after \\d+ of its \\d+ compressed bytes`).test(e.message) &&
        /WALT_BENCH_HOME/.test(e.hint ?? ''),
    );
    assert.deepEqual(readdirSync(tmpfs), [], 'the partial file is deleted; the filesystem never filled');
  });

  it('an xz without an integrity check (xz -C none) is accepted with a warning; one with CRC-64 without', async () => {
    const img = join(dir, 'plain.img');
    writeFileSync(img, randomBytes(MiB));
    execFileSync('xz', ['-k', '-0', '-C', 'none', '-S', '.none.xz', img]);
    execFileSync('xz', ['-k', '-0', img]);
    const none = await inspectImage(`${img}.none.xz`);
    assert.deepEqual(none.warnings, ['plain.img.none.xz carries no integrity check (made with xz -C none): corrupt data cannot be caught before writing; keep verification on']);
    assert.deepEqual((await inspectImage(`${img}.xz`)).warnings, []);
  });

  it('an encrypted zip member is refused by name (never decoded as garbage)', async () => {
    const img = join(dir, 'secret.img');
    writeFileSync(img, randomBytes(MiB));
    execFileSync('zip', ['-j', '-q', '-P', 'walt', join(dir, 'secret.zip'), img]);
    const info = await inspectImage(join(dir, 'secret.zip'));
    await assert.rejects(
      prepareRawImage(info, cache, { onProgress: () => undefined }),
      (e: ApiError) => e.code === 'source-error' && /^secret\.zip: member "secret\.img" \(local header at offset 0\) is encrypted$/.test(e.message),
    );
    assert.deepEqual(readdirSync(cache), []);
  });
});
