import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeTftp, encodeTftp, negotiate, ReadTransfer, type SendAction, TFTP_ERROR } from '../../../../src-main/core/net/tftp.js';

const limits = { maxBlksize: 1468, defaultTimeoutMs: 1000 };

describe('TFTP codec', () => {
  it("decodes U-Boot's read request with its options", () => {
    // What U-Boot 2023.01 sends for `tftpboot ${scriptaddr} start.uboot`.
    const rrq = new Uint8Array(Buffer.from('\x00\x01start.uboot\x00octet\x00timeout\x005\x00tsize\x000\x00blksize\x001468\x00', 'latin1'));
    assert.deepEqual(decodeTftp(rrq), { op: 'RRQ', filename: 'start.uboot', mode: 'octet', options: { timeout: '5', tsize: '0', blksize: '1468' } });
  });

  it('round-trips every kind of packet', () => {
    const packets = [
      { op: 'WRQ', filename: 'x', mode: 'octet', options: {} },
      { op: 'DATA', block: 65535, data: Uint8Array.of(1, 2, 3) },
      { op: 'ACK', block: 7 },
      { op: 'ERROR', code: TFTP_ERROR.fileNotFound, message: 'File not found' },
      { op: 'OACK', options: { blksize: '1468', tsize: '83' } },
    ] as const;
    for (const p of packets) assert.deepEqual(decodeTftp(encodeTftp(p)), p);
  });

  it('refuses garbage with the cause', () => {
    assert.throws(() => decodeTftp(Uint8Array.of(0, 9, 0, 0)), /unknown opcode 9/);
    assert.throws(() => decodeTftp(Uint8Array.of(0, 1, 0x61, 0x62)), /not NUL-terminated/);
    assert.throws(() => decodeTftp(Uint8Array.of(0, 1)), /too short/);
    assert.throws(() => decodeTftp(new Uint8Array(Buffer.from('\x00\x01f\x00octet\x00blksize\x00', 'latin1'))), /an option has no value/);
  });
});

describe('TFTP option negotiation', () => {
  it('grants U-Boot its 1468-byte blocks, answers tsize with the size, honours timeout', () => {
    assert.deepEqual(negotiate({ blksize: '1468', tsize: '0', timeout: '5' }, 83, limits), {
      blksize: 1468,
      timeoutMs: 5000,
      oack: { blksize: '1468', tsize: '83', timeout: '5' },
    });
  });
  it('caps a larger block size and ignores invalid values', () => {
    assert.equal(negotiate({ blksize: '65464' }, 1, limits).blksize, 1468);
    assert.deepEqual(negotiate({ blksize: '4', timeout: '0', windowsize: '8' }, 1, limits), { blksize: 512, timeoutMs: 1000, oack: null });
  });
});

function run(size: number, blksize: number, withOack: boolean): { sent: SendAction[]; end: SendAction } {
  const t = new ReadTransfer(size, { blksize, timeoutMs: 1000, oack: withOack ? { blksize: String(blksize) } : null });
  const sent: SendAction[] = [];
  let a: SendAction | null = t.start();
  let block = 0;
  while (a && a.kind !== 'finished' && a.kind !== 'failed') {
    sent.push(a);
    block = a.kind === 'data' ? a.block : 0;
    a = t.onAck(block);
  }
  return { sent, end: a! };
}

describe('TFTP read transfer state machine', () => {
  it('sends every block then an empty one when the size is a multiple of blksize', () => {
    const { sent, end } = run(1024, 512, false);
    assert.deepEqual(sent.map((s) => (s.kind === 'data' ? [s.block, s.offset, s.length] : s.kind)), [[1, 0, 512], [2, 512, 512], [3, 1024, 0]]);
    assert.deepEqual(end, { kind: 'finished', bytes: 1024, retransmits: 0 });
  });

  it('starts with an OACK when options were accepted, then waits for ACK 0', () => {
    const { sent } = run(83, 1468, true);
    assert.deepEqual(sent.map((s) => s.kind), ['oack', 'data']);
  });

  it('ignores duplicate ACKs (no Sorcerer\'s Apprentice), retransmits on timeout, gives up after the retries', () => {
    const t = new ReadTransfer(3000, { blksize: 1468, timeoutMs: 1000, oack: null }, 2);
    assert.deepEqual(t.start(), { kind: 'data', block: 1, offset: 0, length: 1468 });
    assert.deepEqual(t.onAck(1), { kind: 'data', block: 2, offset: 1468, length: 1468 });
    assert.equal(t.onAck(1), null, 'duplicate ACK 1 is not answered');
    assert.deepEqual(t.onTimeout(), { kind: 'data', block: 2, offset: 1468, length: 1468 });
    assert.deepEqual(t.onTimeout(), { kind: 'data', block: 2, offset: 1468, length: 1468 });
    assert.deepEqual(t.onTimeout(), { kind: 'failed', reason: 'no ACK for block 2 after 2 retransmissions' });
    assert.equal(t.state, 'failed');
  });

  it('rolls block numbers over past 65535', () => {
    const { sent, end } = run(65536 * 8 + 3, 8, false);
    const blocks = sent.map((s) => (s.kind === 'data' ? s.block : -1));
    assert.equal(blocks.length, 65537);
    assert.deepEqual(blocks.slice(-4), [65534, 65535, 0, 1], 'the 65536th block is numbered 0');
    assert.deepEqual(end, { kind: 'finished', bytes: 65536 * 8 + 3, retransmits: 0 });
  });
});
