import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { allocationMap, allZero } from '../../../../src-main/core/image/allocation-map.js';
import { bufferReader } from '../../../../src-main/core/image/disk-reader.js';
import { checkPcUsbCard, PC_USB_PARTS } from '../../../support/media-check.js';
import { makePcUsbImage } from '../../../support/pc-usb-image.js';

const MiB = 1 << 20;

/** A "card" of stale random bytes with only the map's ranges copied from the image: what a sparse write leaves. */
function sparseCard(image: Buffer, ranges: { offset: number; length: number }[], cardBytes: number): Buffer {
  const card = randomBytes(cardBytes);
  for (const r of ranges) image.copy(card, r.offset, r.offset, Math.min(image.length, r.offset + r.length));
  return card;
}

describe('allocation map of a pc-usb-shaped image (sfdisk, mkfs.vfat, mkfs.ext4 -d)', () => {
  let work: string;
  let image: Buffer;
  let imagePath: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'walt-alloc-'));
    imagePath = makePcUsbImage(work);
    image = readFileSync(imagePath);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('reads the GPT, maps the FAT and the ext4 by allocation and keeps the BIOS boot partition whole', () => {
    const map = allocationMap(bufferReader(image));
    assert.equal(map.table, 'gpt');
    assert.deepEqual(
      map.partitions.map((p) => [p.name, p.offset, p.filesystem]),
      [
        ['p1', PC_USB_PARTS.fat.offset, 'FAT16'],
        ['p2', PC_USB_PARTS.bios.offset, 'full'],
        ['p3', PC_USB_PARTS.ext.offset, 'ext4'],
      ],
    );
    const covers = (offset: number, length: number): boolean =>
      map.ranges.some((r) => r.offset <= offset && offset + length <= r.offset + r.length);
    assert.ok(covers(0, 34 * 512), 'MBR and primary GPT written');
    assert.ok(!covers(64 * 1024, 4096), 'the all-zero rest of the gap before p1 is skipped');
    assert.ok(covers(PC_USB_PARTS.bios.offset, PC_USB_PARTS.bios.bytes), 'BIOS boot partition written whole');
    assert.ok(covers(image.length - 33 * 512, 33 * 512), 'backup GPT written');
    assert.ok(!covers(15 * MiB, 4096), 'the all-zero gap between p2 and p3 is skipped');
    for (let i = 1; i < map.ranges.length; i += 1) {
      assert.ok(map.ranges[i]!.offset > map.ranges[i - 1]!.offset + map.ranges[i - 1]!.length, 'sorted, disjoint');
    }
    assert.ok(map.ranges.every((r) => r.offset % 4096 === 0 && r.length % 4096 === 0), '4 KiB aligned');
    assert.ok(map.bytes < image.length * 0.6, `writes ${map.bytes} of ${image.length} bytes`);
  });

  it('covers every non-zero 4 KiB block of a freshly made image', () => {
    const map = allocationMap(bufferReader(image));
    let r = 0;
    for (let at = 0; at < image.length; at += 4096) {
      while (r < map.ranges.length && map.ranges[r]!.offset + map.ranges[r]!.length <= at) r += 1;
      const inside = r < map.ranges.length && map.ranges[r]!.offset <= at;
      if (!inside) assert.ok(image.subarray(at, at + 4096).every((b) => b === 0), `non-zero block at ${at} not written`);
    }
  });

  it('a card of random bytes holding only the mapped ranges passes fsck.vfat, e2fsck -fn and reads every file back', () => {
    const map = allocationMap(bufferReader(image));
    const card = join(work, 'card.img');
    writeFileSync(card, sparseCard(image, map.ranges, 32 * MiB));
    assert.deepEqual(checkPcUsbCard(card, imagePath), []);
  });

  it('a FAT file deleted in the image leaves its clusters unwritten and the card still checks clean', () => {
    const copy = join(work, 'deleted.dd');
    writeFileSync(copy, image);
    const fat = join(work, 'p1.fat');
    writeFileSync(fat, image.subarray(PC_USB_PARTS.fat.offset, PC_USB_PARTS.fat.offset + PC_USB_PARTS.fat.bytes));
    writeFileSync(join(work, 'GONE.BIN'), randomBytes(512 * 1024));
    execFileSync('mcopy', ['-i', fat, join(work, 'GONE.BIN'), '::/']);
    const before = allocationMap(bufferReader(Buffer.concat([image.subarray(0, PC_USB_PARTS.fat.offset), readFileSync(fat), image.subarray(PC_USB_PARTS.fat.offset + PC_USB_PARTS.fat.bytes)]))).bytes;
    execFileSync('mdel', ['-i', fat, '::/GONE.BIN']);
    const withDeleted = Buffer.concat([image.subarray(0, PC_USB_PARTS.fat.offset), readFileSync(fat), image.subarray(PC_USB_PARTS.fat.offset + PC_USB_PARTS.fat.bytes)]);
    writeFileSync(copy, withDeleted);
    const map = allocationMap(bufferReader(withDeleted));
    assert.ok(map.bytes <= before - 512 * 1024, `deleted clusters not written (${map.bytes} vs ${before})`);
    const card = join(work, 'card-deleted.img');
    writeFileSync(card, sparseCard(withDeleted, map.ranges, 32 * MiB));
    assert.deepEqual(checkPcUsbCard(card, copy), []);
  });

  it('writes a partition it cannot read in full, or only where a bmap vouches for data', () => {
    const copy = Buffer.from(image);
    copy.fill(0, PC_USB_PARTS.ext.offset, PC_USB_PARTS.ext.offset + PC_USB_PARTS.ext.bytes);
    randomBytes(256 * 1024).copy(copy, PC_USB_PARTS.ext.offset);
    const map = allocationMap(bufferReader(copy));
    assert.deepEqual(map.partitions.map((p) => [p.name, p.filesystem, p.writtenBytes]).at(-1), ['p3', 'full', PC_USB_PARTS.ext.bytes]);
    const vouched = [{ offset: 0, length: 4096 }, { offset: PC_USB_PARTS.ext.offset, length: 256 * 1024 }];
    const withBmap = allocationMap(bufferReader(copy), { vouched });
    assert.deepEqual(withBmap.partitions.map((p) => [p.name, p.filesystem, p.writtenBytes]).slice(1), [
      ['p2', 'full', PC_USB_PARTS.bios.bytes],
      ['p3', 'full', 256 * 1024],
    ]);
    assert.equal(withBmap.bytes, map.bytes - (PC_USB_PARTS.ext.bytes - 256 * 1024), 'the FAT, the tables and the BIOS boot partition are as without the bmap');
  });

  it('maps an MBR image and a bare filesystem, and writes an unknown one in full', () => {
    const mbrImage = join(work, 'mbr.dd');
    execFileSync('truncate', ['-s', '16M', mbrImage]);
    execFileSync('sfdisk', ['-q', mbrImage], { input: 'label: dos\nstart=2048, size=30720, type=c\n' });
    const fat32 = join(work, 'fat32.vfat');
    execFileSync('truncate', ['-s', '15M', fat32]);
    execFileSync('mkfs.vfat', ['-F', '32', fat32], { stdio: 'ignore' });
    const mbr = readFileSync(mbrImage);
    readFileSync(fat32).copy(mbr, 1 * MiB);
    const m = allocationMap(bufferReader(mbr));
    assert.equal(m.table, 'mbr');
    assert.deepEqual(m.partitions.map((p) => p.filesystem), ['FAT32']);
    assert.ok(m.bytes < 4 * MiB);
    assert.ok(!m.ranges.some((r) => r.offset <= 512 * 1024 && 512 * 1024 < r.offset + r.length), 'an all-zero gap is skipped');
    // A boot loader embedded after the MBR (GRUB's core image on MBR disks): the gap holds data, written whole.
    randomBytes(60 * 1024).copy(mbr, 512);
    const embedded = allocationMap(bufferReader(mbr));
    assert.ok(embedded.ranges.some((r) => r.offset === 0 && r.length >= 1 * MiB), 'the gap after the MBR is written whole');
    const ext = join(work, 'bare.ext2');
    execFileSync('truncate', ['-s', '8M', ext]);
    execFileSync('mkfs.ext2', ['-q', '-F', ext], { stdio: 'ignore' });
    const bare = allocationMap(bufferReader(readFileSync(ext)));
    assert.deepEqual([bare.table, bare.partitions[0]!.filesystem], ['none', 'ext2']);
    const noise = allocationMap(bufferReader(randomBytes(1 * MiB)));
    assert.deepEqual([noise.partitions[0]!.filesystem, noise.bytes], ['full', 1 * MiB]);
  });
});

describe('allZero (the scan of gaps and unused space for data)', () => {
  it('finds one non-zero byte wherever it is, at any alignment of the view', () => {
    const base = new Uint8Array(64 + 3);
    for (let start = 0; start < 4; start += 1) {
      for (const len of [0, 1, 3, 5, 32, 63]) {
        const view = base.subarray(start, start + len);
        assert.equal(allZero(view), true, `zeros start ${start} len ${len}`);
        for (let i = 0; i < len; i += 1) {
          view[i] = 7;
          assert.equal(allZero(view), false, `start ${start} len ${len} byte ${i}`);
          view[i] = 0;
        }
      }
    }
  });
});
