import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { allocationMap } from '../../../../src-main/core/image/allocation-map.js';
import { intersectRanges } from '../../../../src-main/core/image/byte-ranges.js';
import { bufferReader } from '../../../../src-main/core/image/disk-reader.js';
import { type DecisionMemo, decidePrefix } from '../../../../src-main/core/image/prefix-decision.js';
import { makePcUsbImage } from '../../../support/pc-usb-image.js';

const MiB = 1 << 20;

/** Every prefix length from 0 to the image's size in `step`s, plus odd lengths around the metadata. */
function prefixLengths(size: number, step: number): number[] {
  const out = new Set<number>([0, 1, 511, 512, 4096, 17 * 512, 34 * 512, size - 1, size]);
  for (let n = 0; n < size; n += step) out.add(n).add(n + 4095);
  return [...out].filter((n) => n >= 0 && n <= size).sort((a, b) => a - b);
}

/**
 * Checks, at each prefix, that what is decided is exactly the whole image's map below the frontier, and that a memo
 * kept across the growing prefix (as the stream writer keeps one) decides the same.
 */
function checkAgainstMap(image: Buffer, step: number): { at: number; decidedTo: number }[] {
  const map = allocationMap(bufferReader(image));
  const seen: { at: number; decidedTo: number }[] = [];
  const memo: DecisionMemo = new Map();
  let last = 0;
  for (const n of prefixLengths(image.length, step)) {
    const d = decidePrefix(image.subarray(0, n), image.length);
    assert.deepEqual(decidePrefix(image.subarray(0, n), image.length, memo), d, `with a memo, from ${n} bytes`);
    assert.ok(d.decidedTo >= last, `the frontier went back at ${n}: ${d.decidedTo} < ${last}`);
    assert.ok(d.decidedTo === image.length || d.decidedTo % 4096 === 0, `unaligned frontier ${d.decidedTo}`);
    const clip = d.decidedTo === image.length ? Math.ceil(image.length / 4096) * 4096 : d.decidedTo;
    assert.deepEqual(d.ranges, intersectRanges(map.ranges, [{ offset: 0, length: clip }]), `ranges decided from ${n} bytes`);
    last = d.decidedTo;
    seen.push({ at: n, decidedTo: d.decidedTo });
  }
  assert.equal(last, image.length, 'the whole image decides everything');
  return seen;
}

describe('decidePrefix: the allocation decided from the first bytes of an image', () => {
  let work: string;
  let image: Buffer;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'walt-prefix-'));
    image = readFileSync(makePcUsbImage(work));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('on a pc-usb-shaped GPT disk, decides exactly the map below a frontier that moves with the bytes seen', () => {
    const seen = checkAgainstMap(image, 256 * 1024);
    // The EFI FAT (1-13 MiB) and the BIOS boot partition (14-15 MiB) are decided once their bytes are in: a writer
    // can start long before the last byte is inflated.
    const at = (n: number) => seen.filter((s) => s.at <= n).at(-1)!.decidedTo;
    assert.equal(at(512), 0, 'nothing before the GPT header');
    assert.ok(at(2 * MiB) >= 13 * MiB, `FAT decided from its tables: ${at(2 * MiB)}`);
    assert.ok(at(17 * MiB) >= 24 * MiB, `ext4 decided from its superblock, descriptors and bitmaps: ${at(17 * MiB)}`);
    // The gap before the backup GPT is decided only when it has all arrived (it might hold data in its last byte).
    assert.equal(at(image.length - 64 * 1024), 24 * MiB);
  });

  it('on an ext2 filesystem without a partition table (bitmaps in every group), waits for each bitmap', () => {
    const root = join(work, 'files');
    mkdirSync(root);
    for (let i = 0; i < 40; i += 1) writeFileSync(join(root, `f${i}`), randomBytes(50_000 + i * 7000));
    const img = join(work, 'ext2.img');
    writeFileSync(img, '');
    execFileSync('truncate', ['-s', '24M', img]);
    // 1 KiB blocks, 2 MiB groups: 12 groups, each with its own bitmaps (no flex_bg).
    execFileSync('mkfs.ext2', ['-q', '-F', '-b', '1024', '-g', '2048', '-d', root, img], { stdio: 'ignore' });
    const ext = readFileSync(img);
    const seen = checkAgainstMap(ext, MiB);
    const at = (n: number) => seen.filter((s) => s.at <= n).at(-1)!.decidedTo;
    assert.equal(at(22 * MiB), 0, 'the whole-disk filesystem waits for its last group bitmap');
  });
});
