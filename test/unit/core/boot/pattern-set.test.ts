/**
 * PatternSet's dispatch gives the same first match as trying every pattern in table order: the gate's keys found
 * in a line decide which anywhere patterns are tried (overlapping keys included), a start entry rejects on its third
 * character before comparing the whole start.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BootEventBody } from '../../../../src-main/core/boot/boot-event.js';
import { newContext } from '../../../../src-main/core/boot/classifier-context.js';
import { type Pattern, PatternSet } from '../../../../src-main/core/boot/pattern.js';
import { PATTERN_TABLES } from '../../../../src-main/core/boot/patterns.js';
import { loadCorpus } from '../../../support/bootlog-corpus.js';

/** A pattern that pushes a boot-error naming it, or declines (returns false) when `declines`. */
function pattern(id: string, where: { start?: string; has?: string }, declines = false): Pattern {
  return { id, ...where, from: ['domain'], on: (_m, _s, _ctx, out) => (declines ? false : void out.push({ kind: 'boot-error', message: id })) };
}

function matchOf(set: PatternSet, line: string): { id: string | null; out: BootEventBody[] } {
  const out: BootEventBody[] = [];
  return { id: set.match(line, newContext(), out), out };
}

test('an anywhere pattern keyed on a pair that overlaps the key found before it is still tried', () => {
  // keys `QZ` and `ZQ` overlap in `QZQ`: the first pattern declines, the second must take the line
  const set = new PatternSet([{ family: 'other', patterns: [pattern('first', { has: 'QZ' }, true), pattern('second', { has: 'ZQ' })] }]);
  assert.equal(matchOf(set, 'a QZQ b').id, 'second');
  assert.equal(matchOf(set, 'a QZ b').id, null);
  assert.notEqual(set.maskOf('a QZ b'), 0);
  assert.equal(matchOf(set, 'nothing here').id, null);
  assert.equal(set.maskOf('nothing here'), 0);
});

test('a mask given to match() decides which anywhere patterns are tried (0: none)', () => {
  const set = new PatternSet([{ family: 'other', patterns: [pattern('jx', { has: 'JX' })] }]);
  const out: BootEventBody[] = [];
  assert.equal(set.match('a JX b', newContext(), out, 0), null);
  assert.equal(set.match('a JX b', newContext(), out, set.maskOf('a JX b')), 'jx');
});

test('the gate read from the bytes gives the mask read from the text, on every corpus line', () => {
  const set = new PatternSet(PATTERN_TABLES);
  assert.equal(set.bytesGate, true);
  let lines = 0;
  let gated = 0;
  for (const t of loadCorpus()) {
    const bytes = t.bytes;
    for (let from = 0, lf = bytes.indexOf(10); lf >= 0; from = lf + 1, lf = bytes.indexOf(10, from)) {
      let end = from;
      while (end < lf && bytes[end]! >= 0x20 && bytes[end]! < 0x7f) end += 1;
      if (end !== lf) continue; // the decoder slices only printable ASCII lines from the bytes
      const text = bytes.toString('latin1', from, end);
      const mask = set.maskOf(text);
      assert.equal(set.maskOfBytes(bytes, from, end), mask, text);
      // shifted inside a larger buffer: the odd positions are counted from the line's start
      const shifted = Buffer.concat([Buffer.from('x'), bytes.subarray(from, end)]);
      assert.equal(set.maskOfBytes(shifted, 1, shifted.length), mask, text);
      lines += 1;
      if (mask !== 0) gated += 1;
    }
  }
  assert.ok(lines > 3000 && gated > 300, `${lines} lines, ${gated} gated`);
});

test('only the anywhere patterns whose key a line holds are tried, in table order', () => {
  const set = new PatternSet([
    { family: 'other', patterns: [pattern('jx', { has: 'JX' }), pattern('vw', { has: 'VW' }), pattern('jx-late', { has: 'JX' })] },
  ]);
  assert.equal(matchOf(set, 'VW then JX').id, 'jx');
  assert.equal(matchOf(set, 'only VW').id, 'vw');
  assert.deepEqual(matchOf(set, 'only VW').out, [{ kind: 'boot-error', message: 'vw' }]);
});

test('start entries sharing two first characters are told apart by the rest of the start', () => {
  const set = new PatternSet([
    { family: 'other', patterns: [pattern('tfa', { start: 'TFa' }), pattern('tftp', { start: 'TFTP' }), pattern('tf', { start: 'TF' })] },
  ]);
  assert.equal(matchOf(set, 'TFTP from x').id, 'tftp');
  assert.equal(matchOf(set, 'TFab').id, 'tfa');
  assert.equal(matchOf(set, 'TFx').id, 'tf');
  assert.equal(matchOf(set, 'TFTX').id, 'tf');
});
