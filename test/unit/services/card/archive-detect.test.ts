import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { detectPacking, inflatedStart } from '../../../../src-main/services/card/archive-reader.js';

/** A minimal ustar header (name, mode, size, typeflag, magic) with its checksum. */
function tarHeader(name: string): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write('00000000000\0', 124);
  h.write('00000000000\0', 136);
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

describe('detectPacking reads only the start of a .gz', () => {
  let work: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'walt-detect-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('inflates a few KiB of a sparse image, not the ~64 MiB its first 64 KiB hold', () => {
    const gz = gzipSync(Buffer.alloc(256 << 20), { level: 9 });
    const out = inflatedStart(gz.subarray(0, 64 * 1024), 512);
    assert.ok(out !== null && out.length >= 512, 'the 512 bytes asked for');
    assert.ok(out.length <= 1 << 20, `at most 1 MiB inflated (got ${out.length})`);
    assert.ok(out.every((b) => b === 0));
  });

  it('tells a tar.gz from a gzipped image by its first 512 bytes, a long gzip file name included', async () => {
    const tar = Buffer.concat([tarHeader('boot/start4.elf'), Buffer.alloc(1024)]);
    const tgz = join(work, 'files.tar.gz');
    writeFileSync(tgz, gzipSync(tar));
    assert.equal(await detectPacking(tgz), 'tar.gz');
    // a gzip header naming the original file (FNAME): 2000 bytes before the deflate data start
    const named = gzipSync(tar);
    const withName = Buffer.concat([named.subarray(0, 3), Buffer.from([named[3]! | 0x08]), named.subarray(4, 10), Buffer.from('x'.repeat(2000) + '\0'), named.subarray(10)]);
    const named2 = join(work, 'named.tar.gz');
    writeFileSync(named2, withName);
    assert.equal(await detectPacking(named2), 'tar.gz');
    const img = join(work, 'disk.img.gz');
    writeFileSync(img, gzipSync(Buffer.concat([Buffer.alloc(510), Buffer.from([0x55, 0xaa]), Buffer.alloc(1 << 20)])));
    assert.equal(await detectPacking(img), null);
  });

  it('gives null for a stream that cannot be inflated, and what there is for a short one', () => {
    assert.equal(inflatedStart(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff]), 512), null);
    const short = inflatedStart(gzipSync(Buffer.from('hello')), 512);
    assert.equal(short?.toString(), 'hello');
  });
});
