import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DriveIdentityData } from '../../src-main/api/contract.js';
import { allocationMap } from '../../src-main/core/image/allocation-map.js';
import { bufferReader } from '../../src-main/core/image/disk-reader.js';
import { nextEvent, startTestBackend, type TestBackend } from '../support/backend.js';
import { checkPcUsbCard, readAt } from '../support/media-check.js';
import { makePcUsbImage } from '../support/pc-usb-image.js';
import { createZramCard, fillWithGarbage, sectorsRead, type ZramCard, zramAvailable } from '../support/zram.js';

const MiB = 1 << 20;
const CARD = 32 * MiB;
const skip = zramAvailable() ? false : 'needs root and zram';

function hasBmaptool(): boolean {
  try {
    execFileSync('bmaptool', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}



describe('sparse writes of a pc-usb-shaped disk image to zram cards', { skip }, () => {
  let t: TestBackend;
  let card: ZramCard;
  let img: string;
  let id: DriveIdentityData;
  let mapBytes: number;

  before(async () => {
    t = await startTestBackend();
    img = makePcUsbImage(t.dir);
    execFileSync('gzip', ['-k', '-f', img]);
    mapBytes = allocationMap(bufferReader(readFileSync(img))).bytes;
    card = createZramCard(CARD);
    const drives = await t.api.call('drives.list', {});
    const d = drives.find((x) => x.device === card.device)!;
    id = { device: d.device, size: d.size, description: d.description, serial: d.serial };
  });
  after(async () => {
    await t.close();
    card.remove();
  });

  async function flash(image: string, full: boolean, bmap?: string) {
    const done = nextEvent(t.api, 'flash.done', undefined, 60000);
    await t.api.call('flash.start', { image, drives: [id], verify: true, full, ...(bmap ? { bmap } : {}) });
    return (await done).results;
  }

  it('writes only the allocated blocks of the .dd.gz over a garbage-filled card: fsck clean, every file equal, tables equal', async () => {
    fillWithGarbage(card);
    const gapBefore = readAt(card.device, 15 * MiB, 4096);
    const readBefore = sectorsRead(card);
    const [r] = await flash(`${img}.gz`, false);
    const readDuring = (sectorsRead(card) - readBefore) * 512;
    const tail = 33 * 512;
    // Written: the map's ranges plus the card's last sectors (its stale backup GPT) cleared.
    assert.deepEqual([r!.ok, r!.verified, r!.mode, r!.error], [true, true, 'sparse', null]);
    assert.ok(r!.bytes >= mapBytes && r!.bytes <= mapBytes + 8192 + tail, `${r!.bytes} bytes written for a map of ${mapBytes}`);
    assert.ok(r!.bytes < statSync(img).size * 0.6);
    // Verification read back exactly what was written (the kernel's partition scan after the write reads a little more).
    assert.ok(readDuring >= r!.bytes && readDuring <= r!.bytes + 256 * 1024, `read back ${readDuring} for ${r!.bytes} written`);
    assert.deepEqual(checkPcUsbCard(card.device, img), []);
    assert.ok(readAt(card.device, CARD - tail, tail).every((b) => b === 0), "the card's stale backup GPT is zeroed");
    assert.ok(readAt(card.device, 15 * MiB, 4096).equals(gapBefore), 'the free gap at 15 MiB was not written');
    const { records } = await t.api.call('journal.list', { limit: 1 });
    assert.deepEqual([records[0]!.result, records[0]!.mode, records[0]!.bytes], ['ok', 'sparse', r!.bytes]);
  });

  it('--full writes every byte: the card equals the image (cmp), and the journal says full', async () => {
    fillWithGarbage(card);
    const [r] = await flash(img, true);
    const size = statSync(img).size;
    assert.deepEqual([r!.ok, r!.verified, r!.mode, r!.bytes], [true, true, 'full', size]);
    execFileSync('cmp', ['-n', String(size), img, card.device]);
    const { records } = await t.api.call('journal.list', { limit: 1 });
    assert.deepEqual([records[0]!.result, records[0]!.mode], ['ok', 'full']);
  });

  it('a raw image without a partition table or known filesystem is written whole, journaled full', async () => {
    const noise = join(t.dir, 'noise.img');
    const data = randomBytes(3 * MiB);
    const fd = openSync(noise, 'w');
    writeSync(fd, data);
    closeSync(fd);
    fillWithGarbage(card);
    const [r] = await flash(noise, false);
    assert.deepEqual([r!.ok, r!.mode, r!.bytes], [true, 'full', data.length]);
    assert.ok(readAt(card.device, 0, data.length).equals(data));
  });

  describe('with a bmap made by bmaptool create', { skip: hasBmaptool() ? false : 'needs bmaptool (Debian bmap-tools)' }, () => {
    let sparseImg: string;
    before(() => {
      // As walt-node-boot's image is: sparse (holes where nothing was written), its bmap made from it.
      sparseImg = join(t.dir, 'bm', 'pc-usb.dd');
      mkdirSync(join(t.dir, 'bm'));
      execFileSync('cp', ['--sparse=always', img, sparseImg]);
      execFileSync('bmaptool', ['create', '-o', `${sparseImg}.bmap`, sparseImg], { stdio: 'ignore' });
      execFileSync('gzip', ['-k', sparseImg]);
    });

    it('the bmap beside the .dd.gz is honoured: its ranges written and verified, journaled bmap', async () => {
      fillWithGarbage(card);
      const [r] = await flash(`${sparseImg}.gz`, false);
      const mapped = Number(/<MappedBlocksCount>\s*(\d+)/.exec(readFileSync(`${sparseImg}.bmap`, 'utf8'))![1]) * 4096;
      assert.deepEqual([r!.ok, r!.verified, r!.mode], [true, true, 'bmap']);
      // The bmap of a sparse file leaves out the all-zero blocks of the GPT and the FATs: walt-bench writes them anyway
      // (it reads the FAT and ext allocation itself); the bmap only decides the gaps and the partitions it cannot read.
      // Here every partition but the BIOS boot one is a filesystem it reads, so the bmap adds nothing to the map.
      assert.ok(r!.bytes > mapped && r!.bytes <= mapBytes + 33 * 512 + 4096, `${r!.bytes} written for ${mapped} mapped (map alone: ${mapBytes})`);
      assert.deepEqual(checkPcUsbCard(card.device, img), []);
      const stale = readAt(card.device, 15 * MiB, 4096);
      assert.ok(stale.some((b) => b !== 0), 'the unmapped gap keeps its stale bytes');
      const { records } = await t.api.call('journal.list', { limit: 1 });
      assert.equal(records[0]!.mode, 'bmap');
    });

    it('refuses a bmap made for another image before writing anything', async () => {
      const other = join(t.dir, 'bm', 'other.dd');
      writeFileSync(other, readFileSync(sparseImg));
      const fd = openSync(other, 'r+');
      writeSync(fd, randomBytes(4096), 0, 4096, 0);
      closeSync(fd);
      fillWithGarbage(card);
      const head = readAt(card.device, 0, 64 * 1024);
      await assert.rejects(
        t.api.call('flash.start', { image: other, drives: [id], verify: true, bmap: `${sparseImg}.bmap` }),
        /pc-usb\.dd\.bmap: blocks 0-\d+ \(offset 0\) of other\.dd do not match the bmap's sha256 checksum/,
      );
      assert.ok(readAt(card.device, 0, 64 * 1024).equals(head), 'nothing written');
    });
  });
});
