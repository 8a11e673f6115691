import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bmapBeside, bmapCandidates, checkBmap, loadBmap } from '../../../../src-main/services/flash/bmap-source.js';
import { makePcUsbImage } from '../../../support/pc-usb-image.js';

const hasBmaptool = (() => {
  try {
    execFileSync('bmaptool', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('bmap files made by bmaptool create, checked against the image', { skip: hasBmaptool ? false : 'needs bmaptool (Debian bmap-tools)' }, () => {
  let work: string;
  let img: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'walt-bmap-'));
    img = makePcUsbImage(work);
    execFileSync('fallocate', ['--dig-holes', img]);
    execFileSync('bmaptool', ['create', '-o', `${img}.bmap`, img], { stdio: 'ignore' });
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('is found beside the image (bmaptool names it after the image without its compression)', () => {
    assert.deepEqual(bmapCandidates('/x/pc-usb.dd.gz'), ['/x/pc-usb.dd.gz.bmap', '/x/pc-usb.dd.bmap', '/x/pc-usb.bmap']);
    assert.equal(bmapBeside(`${img}.gz`), `${img}.bmap`);
  });

  it('loads, and its ranges match the image it was made for', async () => {
    const bmap = await loadBmap(`${img}.bmap`);
    const ranges = await checkBmap(bmap, `${img}.bmap`, img, statSync(img).size, 'pc-usb.dd');
    assert.ok(ranges.length > 1 && ranges[0]!.offset === 0);
  });

  it('a bmap edited by hand fails its own checksum', async () => {
    const edited = join(work, 'edited.bmap');
    writeFileSync(edited, readFileSync(`${img}.bmap`, 'utf8').replace(/<MappedBlocksCount> (\d+)/, (_, n: string) => `<MappedBlocksCount> ${Number(n) - 1}`));
    await assert.rejects(loadBmap(edited), /edited\.bmap: the bmap's own checksum does not match/);
  });

  it('refuses an image of another size, and one whose bytes differ from a range checksum (naming the blocks)', async () => {
    const bmap = await loadBmap(`${img}.bmap`);
    const size = statSync(img).size;
    await assert.rejects(checkBmap(bmap, `${img}.bmap`, img, size - 4096, 'other.dd'), /describes an image of 26214400 bytes but other\.dd holds 26210304/);
    const changed = join(work, 'changed.dd');
    const bytes = readFileSync(img);
    const r = bmap.ranges.reduce((a, b) => (b.last - b.first > a.last - a.first ? b : a));
    bytes[Math.floor(((r.first + r.last) / 2) * 4096) + 5]! ^= 0xff;
    writeFileSync(changed, bytes);
    await assert.rejects(
      checkBmap(bmap, `${img}.bmap`, changed, size, 'changed.dd'),
      new RegExp(`blocks ${r.first}-${r.last} \\(offset ${r.first * 4096}\\) of changed\\.dd do not match the bmap's sha256 checksum`),
    );
  });
});
