import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bmapRangeBytes, bmapTextForChecksum, parseBmap } from '../../../../src-main/core/image/bmap.js';

/** A bmap as bmaptool 3.6 writes it (comments trimmed). */
const BMAP = `<?xml version="1.0" ?>
<bmap version="2.0">
    <ImageSize> 26214400 </ImageSize>
    <BlockSize> 4096 </BlockSize>
    <BlocksCount> 6400 </BlocksCount>
    <MappedBlocksCount> 7 </MappedBlocksCount>
    <ChecksumType> sha256 </ChecksumType>
    <BmapFileChecksum> 82b8e4bc46f01e1e762de0653628d20fd7e50e0ef95eb6af176934aad8051dc3 </BmapFileChecksum>
    <BlockMap>
        <Range chksum="0ee31b3f1af096e771153da16561db6f5afc1d35678850ac6d738e5c2dc52def"> 0-4 </Range>
        <Range chksum="4b1494b9d186708d29160dc769b787e46b623ad03051e3f272b533e65de02d10"> 6399 </Range>
    </BlockMap>
</bmap>
`;

describe('bmap files (bmaptool XML)', () => {
  it('reads sizes, checksum type, ranges (single blocks too) and their checksums', () => {
    const b = parseBmap(BMAP, 'pc-usb.dd.bmap');
    assert.deepEqual([b.version, b.imageSize, b.blockSize, b.blocksCount, b.checksumType], ['2.0', 26214400, 4096, 6400, 'sha256']);
    assert.deepEqual(b.ranges.map((r) => [r.first, r.last, r.checksum?.slice(0, 8)]), [[0, 4, '0ee31b3f'], [6399, 6399, '4b1494b9']]);
    assert.deepEqual(bmapRangeBytes(b, b.ranges[1]!), { offset: 6399 * 4096, length: 4096 });
    assert.match(bmapTextForChecksum(BMAP, b), /<BmapFileChecksum> 0{64} <\/BmapFileChecksum>/);
  });

  it('refuses, naming the file and the cause: not a bmap, a range past the image, overlapping ranges, a size that does not add up', () => {
    assert.throws(() => parseBmap('<html></html>', 'x.bmap'), /x\.bmap: not a bmap file/);
    assert.throws(() => parseBmap(BMAP.replace('6399 </Range>', '6400 </Range>'), 'x.bmap'), /x\.bmap: range 6400-6400 lies outside the image's 6400 blocks/);
    assert.throws(() => parseBmap(BMAP.replace('6399 </Range>', '3-9 </Range>'), 'x.bmap'), /range 3-9 overlaps or precedes range 0-4/);
    assert.throws(() => parseBmap(BMAP.replace('6400 </BlocksCount>', '6000 </BlocksCount>'), 'x.bmap'), /6000 blocks of 4096 bytes do not make an image of 26214400 bytes/);
    assert.throws(() => parseBmap(BMAP.replace('version="2.0"', 'version="3.0"'), 'x.bmap'), /version 3\.0 is not supported/);
  });
});
