import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { crc32 } from '../../../../src-main/core/net/crc32.js';
import { readLegacyImage, scriptImage } from '../../../../src-main/core/net/uboot-script.js';

const SCRIPT = 'echo WALT-BENCH start.uboot model=${node_model} vci=${bootp_vci} mac=${ethaddr} ip=${ipaddr}\n';

describe('U-Boot legacy script image', () => {
  it('computes the IEEE CRC-32 (check value)', () => {
    assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  });

  it('is byte for byte what mkimage -T script makes', { skip: hasMkimage() ? false : 'needs mkimage (u-boot-tools)' }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-mkimage-'));
    try {
      writeFileSync(join(dir, 's.txt'), SCRIPT);
      execFileSync('mkimage', ['-A', 'arm64', '-O', 'linux', '-T', 'script', '-C', 'none', '-n', 'walt-bench probe', '-d', join(dir, 's.txt'), join(dir, 's.img')], {
        env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' },
        stdio: 'ignore',
      });
      const theirs = readFileSync(join(dir, 's.img'));
      const ours = scriptImage({ script: SCRIPT, name: 'walt-bench probe', arch: 'arm64', time: 1700000000 });
      assert.deepEqual(Buffer.from(ours), theirs);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads its header back and notices a corrupted byte', () => {
    const img = scriptImage({ script: SCRIPT, name: 'probe', time: 1 });
    assert.deepEqual(readLegacyImage(img), { name: 'probe', type: 6, arch: 22, time: 1, dataSize: SCRIPT.length + 8, headerCrcOk: true, dataCrcOk: true });
    img[80] = img[80]! ^ 1;
    assert.equal(readLegacyImage(img)!.dataCrcOk, false);
    assert.equal(readLegacyImage(new Uint8Array(100)), null);
  });
});

function hasMkimage(): boolean {
  try {
    execFileSync('mkimage', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
