import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rawImageWarnings } from '../../../src-main/core/flash/source-kind.js';

describe('raw image warnings', () => {
  it('a 6-byte .txt is warned twice: not an image name, too small to be a disk image', () => {
    const w = rawImageWarnings('notes.txt', 6);
    assert.equal(w.length, 2);
    assert.match(w[0]!, /^notes\.txt does not have a disk image's name \(\.img \.dd \.raw \.bin \.iso\)/);
    assert.match(w[1]!, /^notes\.txt is only 6 bytes: too small to be a disk image/);
  });

  it('a disk image of whole sectors has no warning', () => {
    assert.deepEqual(rawImageWarnings('walt.img', 8 * 1024 * 1024), []);
    assert.deepEqual(rawImageWarnings('PC-USB.DD', 25 * 1024 * 1024), []);
  });

  it('an image that is not whole 512-byte sectors may be cut short', () => {
    assert.match(rawImageWarnings('walt.img', 8 * 1024 * 1024 + 100).join(), /not a whole number of 512-byte sectors \(8388708 bytes\)/);
  });
});
