/**
 * The rack setup's expected models: one model (a typed "walt.node." prefix or a bad name is named, not sent), an
 * expect map parsed by the CLI's own parser (its error names the line), or any walt.node.* model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectOf } from '../../../src-renderer/src/views/check/rack/expect-choice.js';

const choice = (kind: 'model' | 'map' | 'any', model = '', mapText = '') => ({ kind, model, mapText });

test('one model: trimmed and sent; empty waits without a problem; a prefix or a bad name is a problem', () => {
  assert.deepEqual(expectOf(choice('model', ' rpi-4-b ')), { ok: true, expect: { kind: 'model', model: 'rpi-4-b' } });
  assert.deepEqual(expectOf(choice('model', '  ')), { ok: false, problem: null });
  const prefixed = expectOf(choice('model', 'walt.node.rpi-4-b'));
  assert.ok(!prefixed.ok && /without "walt\.node\."/.test(prefixed.problem ?? ''));
  const bad = expectOf(choice('model', 'rpi 4'));
  assert.ok(!bad.ok && /letters, digits/.test(bad.problem ?? ''));
});

test('an expect map: the MACs normalised, a bad line named by its number', () => {
  const ok = expectOf(choice('map', '', 'mac,model\nDC-A6-32-01-02-03,rpi-4-b\n# spare\nb8:27:eb:00:00:01,walt.node.rpi-3-b-plus\n'));
  assert.deepEqual(ok, { ok: true, expect: { kind: 'map', map: { 'dc:a6:32:01:02:03': 'rpi-4-b', 'b8:27:eb:00:00:01': 'rpi-3-b-plus' } } });
  const bad = expectOf(choice('map', '', 'dc:a6:32:01:02:03,rpi-4-b\nnot-a-mac,rpi-4-b'));
  assert.ok(!bad.ok && /^Expect map: line 2/.test(bad.problem ?? ''), JSON.stringify(bad));
  assert.deepEqual(expectOf(choice('map')), { ok: false, problem: null });
});

test('any walt.node.* model needs nothing else', () => {
  assert.deepEqual(expectOf(choice('any', 'ignored', 'ignored')), { ok: true, expect: { kind: 'any' } });
});
