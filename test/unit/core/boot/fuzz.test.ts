/** Fuzzing: random bytes, huge lines and escape storms never throw, memory stays bounded, verdicts stay valid. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BootAnalyzer } from '../../../../src-main/core/boot/analyzer.js';
import { OUTCOMES } from '../../../../src-main/core/boot/verdict.js';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

const PIECES = [
  '\x1b[', '\x1b]', '\x1b', '\r', '\b', '\n', '\t', '\x07', '\x1b\\', '[', 'm', 'K', ';', '1', 'U-Boot 2023.01 (x)\n',
  'BOOTP broadcast ', 'TFTP error: \'', "' (1)\n", 'Loading: ', 'T ', '#', 'Configuring (net0 ', ')...', 'ok\n',
  'resetting ...\n', '*** ', ' ***\n', 'login: ', 'WALT-BENCH start.uboot model=', '\xff\xfe', 'Bytes transferred = ',
];

function check(a: BootAnalyzer): void {
  const v = a.verdict(Date.now());
  assert.ok((OUTCOMES as readonly string[]).includes(v.outcome));
  assert.equal(typeof v.diagnosis, 'string');
  assert.equal(v.stages.length, 9);
}

test('random bytes never throw', () => {
  for (let seed = 1; seed <= 20; seed += 1) {
    const rand = prng(seed);
    const a = new BootAnalyzer();
    for (let i = 0; i < 200; i += 1) {
      const chunk = new Uint8Array(1 + Math.floor(rand() * 512));
      for (let j = 0; j < chunk.length; j += 1) chunk[j] = Math.floor(rand() * 256);
      a.push(chunk, i);
      if (i % 50 === 0) a.idle(i);
    }
    a.end(1000);
    check(a);
  }
});

test('escape storms and boot-string soup never throw', () => {
  for (let seed = 1; seed <= 20; seed += 1) {
    const rand = prng(seed * 31);
    const a = new BootAnalyzer({ expectedModel: 'rpi-4-b' });
    let text = '';
    for (let i = 0; i < 5000; i += 1) text += PIECES[Math.floor(rand() * PIECES.length)]!;
    const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
    for (let i = 0; i < bytes.length; i += 97) a.push(bytes.subarray(i, i + 97), i);
    a.end(bytes.length);
    check(a);
  }
});

test('a 20 MB line without a newline stays bounded and is delivered in pieces', () => {
  const a = new BootAnalyzer({ maxLine: 4096 });
  const chunk = new Uint8Array(1 << 20).fill(0x41);
  let lines = 0;
  for (let i = 0; i < 20; i += 1) lines += a.push(chunk, i).lines.length;
  assert.ok(lines >= 5000, `${lines} pieces`);
  a.push(new TextEncoder().encode('\nTFTP error: \'File not found\' (1)\n'), 21);
  assert.equal(a.verdict().outcome, 'tftp-not-found', 'the analyzer still works after the noise');
});
