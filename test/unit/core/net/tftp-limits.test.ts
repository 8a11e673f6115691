import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PacketError } from '../../../../src-main/core/net/bytes.js';
import { decodeTftp, MAX_TFTP_OPTIONS, negotiate } from '../../../../src-main/core/net/tftp.js';

const limits = { maxBlksize: 1468, defaultTimeoutMs: 1000 };
const rrq = (...strings: string[]): Uint8Array => new Uint8Array(Buffer.concat([Buffer.from([0, 1]), ...strings.map((s) => Buffer.from(`${s}\0`, 'latin1'))]));

/** Decodes, accepting only a packet or a PacketError. */
function tryDecode(bytes: Uint8Array): ReturnType<typeof decodeTftp> | PacketError {
  try {
    return decodeTftp(bytes);
  } catch (error) {
    assert.ok(error instanceof PacketError, (error as Error).stack);
    return error;
  }
}

describe('TFTP packets at their limits', () => {
  it('every opcode 0..65535 with 0..5 trailing bytes: a packet or a PacketError, never another throw', () => {
    for (let op = 0; op <= 0xffff; op += op < 16 ? 1 : 257) {
      for (let extra = 0; extra <= 5; extra += 1) tryDecode(Uint8Array.from([op >> 8, op & 255, ...Array.from({ length: extra }, (_, i) => (i === 2 ? 0 : 0x41))]));
    }
    assert.match(String(tryDecode(Uint8Array.of(0, 7, 0, 0))), /unknown opcode 7 \(at byte 0\)/);
    assert.match(String(tryDecode(Uint8Array.of(0, 0, 0, 0))), /unknown opcode 0/);
  });

  it('truncated: 0..3 bytes, a request without its mode, a name without NUL', () => {
    for (const n of [0, 1, 2, 3]) assert.match(String(tryDecode(new Uint8Array(n))), /packet too short/);
    assert.match(String(tryDecode(rrq('start.uboot'))), /request without file name or mode/);
    assert.match(String(tryDecode(Uint8Array.from([0, 1, ...Buffer.from('start.uboot')]))), /a string is not NUL-terminated \(at byte 2\)/);
    assert.match(String(tryDecode(Uint8Array.from([0, 1, ...Buffer.from('a\0octet\0blksize\0' + '1'.repeat(100))]))), /not NUL-terminated/);
  });

  it('a huge option list is refused past 32 options; option names of Object.prototype never reach the options', () => {
    const many = Array.from({ length: MAX_TFTP_OPTIONS + 1 }, (_, i) => [`o${i}`, '1']).flat();
    assert.match(String(tryDecode(rrq('f', 'octet', ...many))), /33 options \(at most 32\)/);
    const p = tryDecode(rrq('f', 'octet', '__proto__', 'x', 'constructor', 'y', 'BLKSIZE', '1468'));
    assert.ok(!(p instanceof PacketError) && p.op === 'RRQ');
    assert.deepEqual(Object.keys(p.options), ['blksize']);
    assert.equal(Object.getPrototypeOf(p.options), Object.prototype, 'the prototype was not replaced');
  });

  it('a 64 KiB request of empty strings decodes in bounded work (the server then refuses anything over 512 bytes)', () => {
    const p = tryDecode(rrq('f', 'octet', ...Array.from({ length: 30 }, () => ''), 'x'.repeat(65000), ''));
    assert.ok(!(p instanceof PacketError));
  });
});

describe('TFTP option values out of range', () => {
  it('blksize 0, 1, 7, 65465, 65536, -1, hex, exponent, spaces: ignored (512-byte blocks, no OACK entry)', () => {
    for (const v of ['0', '1', '7', '65465', '65536', '-1', '0x5bc', '1e3', ' 1468', '1468 ', '', '99999999999']) {
      const n = negotiate({ blksize: v }, 100, limits);
      assert.deepEqual([n.blksize, n.oack], [512, null], `blksize "${v}"`);
    }
    assert.equal(negotiate({ blksize: '8' }, 100, limits).blksize, 8);
    assert.equal(negotiate({ blksize: '65464' }, 100, limits).blksize, 1468);
  });

  it('timeout 0, 11, 255, 256 ignored (granted 1..10 s: a silent client frees its transfer within a minute); windowsize never granted', () => {
    for (const v of ['0', '11', '255', '256', 'x']) assert.deepEqual(negotiate({ timeout: v }, 1, limits), { blksize: 512, timeoutMs: 1000, oack: null }, `timeout ${v}`);
    assert.equal(negotiate({ timeout: '10' }, 1, limits).timeoutMs, 10_000);
    for (const w of ['0', '1', '16', '65535', '65536']) assert.equal(negotiate({ windowsize: w }, 1, limits).oack, null, `windowsize ${w}: lock-step`);
  });

  it('tsize with any value is answered with the real size', () => {
    for (const v of ['0', '-5', 'abc', '99999999999999999999']) assert.deepEqual(negotiate({ tsize: v }, 83, limits).oack, { tsize: '83' });
  });
});
