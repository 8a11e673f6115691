import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { etaSeconds, sampleSpeed } from '../../../src-main/core/flash/progress.js';
import { detectSourceKind, imageEntries, sourceWarnings } from '../../../src-main/core/flash/source-kind.js';

describe('progress math', () => {
  it('computes a windowed speed and an ETA', () => {
    let w = { samples: [] as { t: number; bytes: number }[] };
    let speed = 0;
    for (let i = 0; i <= 10; i += 1) ({ window: w, speed } = sampleSpeed(w, i * 500, i * 10e6));
    assert.equal(Math.round(speed), 20e6);
    assert.ok(w.samples.length <= 8, 'old samples leave the window');
    assert.equal(etaSeconds(100e6, 300e6, 20e6), 10);
    assert.equal(etaSeconds(1, null, 5), null);
  });
});

describe('source kinds', () => {
  it('detects the packing by content, not name', () => {
    assert.equal(detectSourceKind(Buffer.from([0x1f, 0x8b, 8, 0])), 'gz');
    assert.equal(detectSourceKind(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0])), 'xz');
    assert.equal(detectSourceKind(Buffer.from('PK\x03\x04', 'latin1')), 'zip');
    assert.equal(detectSourceKind(Buffer.from('BZh9', 'latin1')), 'bz2');
    assert.equal(detectSourceKind(Buffer.from('BZhx', 'latin1')), 'raw');
    assert.equal(detectSourceKind(Buffer.alloc(16)), 'raw');
  });

  it('warns on bz2 only', () => {
    assert.match(sourceWarnings('bz2')[0]!, /unbzip2-stream 1\.4\.3/);
    assert.deepEqual(sourceWarnings('gz'), []);
  });

  it('finds disk images in a zip listing', () => {
    assert.deepEqual(imageEntries(['README.txt', 'a.img', '__MACOSX/._a.img', 'dir/', 'dir/b.IMG', 'c.iso']), ['a.img', 'dir/b.IMG', 'c.iso']);
  });
});
