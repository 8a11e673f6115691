import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CUT_SHORT_FIX,
  type DecodeFailure,
  decodeCause,
  explainDecodeFailure,
  explainOverflow,
  explainZipMember,
} from '../../../src-main/core/flash/source-failure.js';

const base = { compressedRead: 1000, fileSize: 5000, outBytes: 7000, code: undefined };
const f = (over: Partial<DecodeFailure> & Pick<DecodeFailure, 'kind' | 'message'>): DecodeFailure => ({ ...base, ...over });

describe('decoder failures, as each decoder words them', () => {
  it('zlib: a cut stream, the trailer CRC-32, the trailer size, anything else', () => {
    assert.equal(decodeCause(f({ kind: 'gz', message: 'unexpected end of file', code: 'Z_BUF_ERROR' })), 'truncated');
    assert.equal(decodeCause(f({ kind: 'gz', message: 'incorrect data check', code: 'Z_DATA_ERROR' })), 'trailer-crc');
    assert.equal(decodeCause(f({ kind: 'gz', message: 'incorrect length check', code: 'Z_DATA_ERROR' })), 'trailer-size');
    assert.equal(decodeCause(f({ kind: 'gz', message: 'invalid block type', code: 'Z_DATA_ERROR' })), 'corrupt');
  });

  it('liblzma (lzma-native names its errors): a cut stream, a failed check', () => {
    assert.equal(decodeCause(f({ kind: 'xz', message: 'No progress is possible', code: 'LZMA_BUF_ERROR' })), 'truncated');
    assert.equal(decodeCause(f({ kind: 'xz', message: 'Data is corrupt', code: 'LZMA_DATA_ERROR' })), 'check');
    assert.equal(decodeCause(f({ kind: 'xz', message: 'File format not recognized', code: 'LZMA_FORMAT_ERROR' })), 'corrupt');
  });

  it('unbzip2-stream: its CRC error; its TypeError is a cut file only once the whole file was fed', () => {
    assert.equal(decodeCause(f({ kind: 'bz2', message: 'Error in bzip2: crc32 do not match' })), 'check');
    assert.equal(decodeCause(f({ kind: 'bz2', message: 'input stream ended prematurely' })), 'truncated');
    const typeError = "Cannot read properties of undefined (reading '0')";
    assert.equal(decodeCause(f({ kind: 'bz2', message: typeError, compressedRead: 5000 })), 'truncated');
    assert.equal(decodeCause(f({ kind: 'bz2', message: typeError, compressedRead: 1000 })), 'corrupt');
  });

  it('a cut file names where the file ends and says to download it again', () => {
    const e = explainDecodeFailure('pc-usb.dd.gz', f({ kind: 'gz', message: 'unexpected end of file', compressedRead: 5000 }));
    assert.match(e.message, /^pc-usb\.dd\.gz is truncated: the file ends at offset 5000 \(4\.9 KiB\) before its gzip stream is complete/);
    assert.equal(e.hint, CUT_SHORT_FIX);
    assert.match(e.hint, /the download was cut short: download it again/);
  });

  it('a trailer mismatch names the trailer field and its offset (the last 8 bytes of the file)', () => {
    const crc = explainDecodeFailure('x.gz', f({ kind: 'gz', message: 'incorrect data check', compressedRead: 5000 }));
    assert.match(crc.message, /the CRC-32 in its gzip trailer at offset 4992 does not match/);
    const size = explainDecodeFailure('x.gz', f({ kind: 'gz', message: 'incorrect length check', compressedRead: 5000 }));
    assert.match(size.message, /the size \(ISIZE\) in its gzip trailer at offset 4996 does not match/);
  });
});

describe('zip members against their own record', () => {
  const record = { name: 'pc-usb.dd', offset: 0, compressedSize: 900, uncompressedSize: 4096, crc32: 0xdeadbeef };
  it('names the member, its offset and both CRC-32 values', () => {
    const e = explainZipMember('pc.zip', record, { type: 'crc', actual: 0x12345678 });
    assert.equal(
      e.message,
      'pc.zip: member "pc-usb.dd" (local header at offset 0) is corrupt: its 4096 bytes have CRC-32 0x12345678, the archive records 0xdeadbeef',
    );
  });
  it('a member longer or shorter than recorded', () => {
    assert.match(explainZipMember('pc.zip', record, { type: 'too-long', actual: 5000 }).message, /inflates to more than the 4096 bytes the archive records/);
    assert.match(explainZipMember('pc.zip', record, { type: 'too-short', actual: 10 }).message, /inflates to 10 bytes, the archive records 4096/);
  });
  it('a member whose data runs past the end of a cut file', () => {
    const e = explainZipMember('pc.zip', record, { type: 'data-past-end', fileSize: 500 });
    assert.match(e.message, /^pc\.zip is truncated: .* run past the end of the file at offset 500/);
    assert.equal(e.hint, CUT_SHORT_FIX);
  });
});

describe('outputs larger than any use', () => {
  it('names the largest card or the cache, and where decoding stopped', () => {
    const card = explainOverflow('bomb.gz', { type: 'card', device: '/dev/sdb', bytes: 64 << 20 }, 300, 23_000_000);
    assert.match(card.message, /bomb\.gz decompresses to more than 64\.0 MiB, the size of the largest selected card \(\/dev\/sdb\): stopped after 300 of its 23000000/);
    const cache = explainOverflow('big.xz', { type: 'cache', dir: '/home/t/.cache', bytes: 1 << 30 }, 1, 2);
    assert.match(cache.message, /more than the 1\.0 GiB free in \/home\/t\/\.cache/);
    assert.match(cache.hint, /WALT_BENCH_HOME/);
  });
});
