import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHUNK_BYTES } from '../../../../src-main/services/flash/card-device.js';
import { planPieces } from '../../../../src-main/services/flash/range-writer.js';

describe('sparse write plan', () => {
  it('splits ranges into chunks, clears the card tail, and writes the piece holding the partition tables last', () => {
    const pieces = planPieces(
      [
        { offset: 0, length: 8192 },
        { offset: 1 << 20, length: CHUNK_BYTES + 4096 },
      ],
      { offset: 32 << 20, length: 20480 },
    );
    assert.deepEqual(pieces, [
      { offset: 1 << 20, length: CHUNK_BYTES, zeros: false },
      { offset: (1 << 20) + CHUNK_BYTES, length: 4096, zeros: false },
      { offset: 32 << 20, length: 20480, zeros: true },
      { offset: 0, length: 8192, zeros: false },
    ]);
  });
});
