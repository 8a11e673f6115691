/**
 * Every real transcript of the corpus (../shared/bootlogs and test/fixtures/bootlogs) labelled with high confidence
 * gives the outcome its .meta.json labels (low-confidence ones give a final verdict in words), and the same bytes fed
 * in random chunk sizes (random split points, a different arrival time per chunk) give identical events.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeLog, BootAnalyzer } from '../../../../src-main/core/boot/analyzer.js';
import type { BootEvent } from '../../../../src-main/core/boot/boot-event.js';
import { OUTCOMES } from '../../../../src-main/core/boot/verdict.js';

import { loadCorpus, SHARED_BOOTLOGS as BOOTLOGS } from '../../../support/bootlog-corpus.js';

const corpus = loadCorpus();
const logs = corpus.filter((t) => t.path.startsWith(BOOTLOGS)).map((t) => t.file);

/** A seeded PRNG so a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Feeds bytes in random chunks; time is ignored by comparing events without `t`. */
function eventsInChunks(bytes: Uint8Array, rand: () => number): Omit<BootEvent, 't'>[] {
  const a = new BootAnalyzer();
  const out: BootEvent[] = [];
  let i = 0;
  let now = 0;
  while (i < bytes.length) {
    const n = 1 + Math.floor(rand() * (rand() < 0.3 ? 3 : 200));
    out.push(...a.push(bytes.subarray(i, i + n), (now += 1)).events);
    i += n;
  }
  out.push(...a.end(now).events);
  return out.map(({ t: _t, ...rest }) => rest);
}

test('the corpus is there (the shared transcripts and at least 80 gathered ones)', { skip: logs.length === 0 ? `no ${BOOTLOGS}` : false }, () => {
  assert.ok(logs.length >= 15, `found ${logs.length} shared transcripts`);
  assert.ok(corpus.length - logs.length >= 80, `found ${corpus.length - logs.length} gathered transcripts`);
});

for (const t of corpus) {
  const { file, bytes, outcome, confidence } = t;

  test(`${file}: outcome is the labelled "${outcome}" (${confidence})`, () => {
    assert.ok((OUTCOMES as readonly string[]).includes(outcome), `label ${outcome} is in the vocabulary`);
    const { verdict } = analyzeLog(bytes);
    if (confidence === 'high') assert.equal(verdict.outcome, outcome, verdict.diagnosis);
    if (verdict.outcome !== 'success' && verdict.outcome !== 'other' && verdict.confidence === 'high') {
      assert.ok(verdict.evidence.some((e) => e.role === 'decided' && e.line > 0), 'a confident failure names its line');
    }
    assert.ok(verdict.diagnosis.length > 20, 'a diagnosis in words');
    assert.equal(verdict.final, true, 'a finished log has a final verdict');
  });

  test(`${file}: random chunk sizes and split points give identical events`, () => {
    const whole = eventsInChunks(bytes, () => 0.999999);
    assert.ok(whole.length > 0, 'some events');
    for (let seed = 1; seed <= 8; seed += 1) {
      assert.deepEqual(eventsInChunks(bytes, prng(seed * 7919)), whole, `seed ${seed}`);
    }
    const oneByOne = eventsInChunks(bytes, () => 0);
    assert.deepEqual(oneByOne, whole, 'byte by byte');
  });
}

test('transcript details: files with sizes, addresses, servers, harmless failures', { skip: logs.length === 0 }, () => {
  const read = (prefix: string) => analyzeLog(readFileSync(join(BOOTLOGS, logs.find((f) => f.startsWith(prefix))!))).verdict;
  const v12 = read('12-');
  assert.equal(v12.ip, '192.168.10.106');
  assert.equal(v12.server, '192.168.10.103');
  assert.deepEqual(
    v12.files.map((f) => [f.name, f.status, f.size]),
    [['C0A80A6A.img', 'not-found', null], ['sel4test-driver-image-arm-bcm2837', 'ok', 4817152]],
  );
  const v18 = read('18-');
  assert.equal(v18.furthestStage, 'login');
  assert.deepEqual(v18.files.map((f) => [f.name, f.size]), [['zImage', 7078408], ['am335x-boneblack.dtb', 34184]]);
  const v01 = read('01-');
  assert.deepEqual(v01.files.map((f) => [f.name, f.server]), [['6e87a417/start4.elf', '192.168.20.105']]);
  assert.equal(v01.mac, 'dc:a6:32:09:f8:c4');
  const v26 = read('26-');
  assert.equal(v26.resets, 0, 'the SPL banner followed by U-Boot\'s is one boot, not a reset');
  const v14 = read('14-');
  assert.equal(v14.resets, 0, 'an iPXE chainloading another iPXE is not a reset');
  const v45 = read('45-');
  assert.equal(v45.files[0]!.size, 40665224, 'T T inside a transfer that then completes');
  const v29 = read('29-');
  assert.equal(v29.files[0]!.status, 'timeout');
  assert.match(v29.diagnosis, /timed out/);
  const v28 = read('28-');
  assert.match(v28.diagnosis, /No Ethernet link/);
  const v16 = read('16-');
  assert.match(v16.diagnosis, /No configuration methods succeeded/);
});
