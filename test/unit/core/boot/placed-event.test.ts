/**
 * placedEvent copies a body's fields by name (one shape per kind, for speed): every field of every body the patterns
 * produce on the corpus (in every capture format) must reach the event with its value, in the body's order, then the
 * place. A field added to a body type but forgotten there fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BootEventBody } from '../../../../src-main/core/boot/boot-event.js';
import { LineClassifier } from '../../../../src-main/core/boot/line-classifier.js';
import { LineDecoder } from '../../../../src-main/core/boot/line-decoder.js';
import { placedEvent } from '../../../../src-main/core/boot/placed-event.js';
import { loadCorpus } from '../../../support/bootlog-corpus.js';

test('placedEvent keeps every field of every body the corpus produces, then t, line, cycle, text', () => {
  const kinds = new Set<string>();
  const fieldsSeen = new Set<string>();
  for (const t of loadCorpus()) {
    const d = new LineDecoder();
    const c = new LineClassifier();
    for (const line of [...d.push(t.bytes, 0), ...d.end(0)]) {
      for (const body of c.classify(line.text) as BootEventBody[]) {
        const e = placedEvent(body, 5, line.n, 2, line.text) as unknown as Record<string, unknown>;
        assert.deepEqual(Object.keys(e), [...Object.keys(body).filter((k) => !['t', 'line', 'cycle', 'text'].includes(k)), 't', 'line', 'cycle', 'text'], `${t.file}: ${body.kind}`);
        for (const [k, v] of Object.entries(body)) assert.deepEqual(e[k], v, `${t.file}: ${body.kind}.${k}`);
        assert.deepEqual([e.t, e.line, e.cycle, e.text], [5, line.n, 2, line.text]);
        kinds.add(body.kind);
        for (const k of Object.keys(body)) fieldsSeen.add(`${body.kind}.${k}`);
      }
    }
  }
  // the corpus exercises most kinds, optional fields included
  assert.ok(kinds.size >= 25, [...kinds].join(' '));
  assert.ok(fieldsSeen.has('tftp-timeout.tentative') || fieldsSeen.has('tftp-error.tentative'), 'an optional field is exercised');
});
