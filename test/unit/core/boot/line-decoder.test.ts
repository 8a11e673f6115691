/** The byte -> line state machine: redraws, escapes, chunk boundaries, long lines, noise, timestamps. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineDecoder } from '../../../../src-main/core/boot/line-decoder.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const texts = (d: LineDecoder, s: string): string[] => d.push(enc(s), 0).map((l) => l.text);

test('\\r\\n ends a line; a lone \\r rewrites from column 0; \\b steps back', () => {
  const d = new LineDecoder();
  assert.deepEqual(texts(d, 'one\r\ntwo\n'), ['one', 'two']);
  assert.deepEqual(texts(d, 'Hit any key to stop autoboot:  2 \b\b\b 1 \b\b\b 0 \n'), ['Hit any key to stop autoboot:  0 ']);
  assert.deepEqual(texts(d, 'Loading: *\b#####\n'), ['Loading: #####']);
  assert.deepEqual(texts(d, 'progress  10%\rprogress 100%\n'), ['progress 100%']);
});

test('ANSI colours, erase-in-line, OSC titles and two-byte escapes are removed', () => {
  const d = new LineDecoder();
  assert.deepEqual(texts(d, '\x1b[1miPXE\x1b[0m 1.21 -- \x1b[32mok\x1b[m\n'), ['iPXE 1.21 -- ok']);
  assert.deepEqual(texts(d, 'old text here\r\x1b[Knew\n'), ['new']);
  assert.deepEqual(texts(d, '\x1b]0;title\x07A\x1b]2;t\x1b\\B\x1bcC\n'), ['ABC']);
  assert.deepEqual(texts(d, 'a\x1b[3Dxy\n'), ['xy']);
});

test('a line split across many chunks is one line, stamped with its first byte\'s arrival', () => {
  const d = new LineDecoder();
  assert.deepEqual(d.push(enc('DHCP client bo'), 100), []);
  assert.deepEqual(d.push(enc('und to address 10.0.0.5'), 150), []);
  assert.deepEqual(d.push(enc(' (3 ms)\r'), 170), []);
  const [line] = d.push(enc('\n'), 180);
  assert.equal(line!.text, 'DHCP client bound to address 10.0.0.5 (3 ms)');
  assert.equal(line!.t, 100);
  assert.equal(line!.n, 1);
});

test('an escape sequence split across chunks is still removed', () => {
  const d = new LineDecoder();
  d.push(enc('A\x1b'), 0);
  d.push(enc('[3'), 0);
  assert.deepEqual(texts(d, '1mB\n'), ['AB']);
});

test('very long lines are cut into bounded pieces; runaway escapes are abandoned', () => {
  const d = new LineDecoder(100);
  const lines = d.push(enc('x'.repeat(250) + '\n'), 0);
  assert.deepEqual(lines.map((l) => [l.text.length, l.continued]), [[100, true], [100, true], [50, false]]);
  const e = new LineDecoder();
  const [storm] = texts(e, '\x1b[' + '1;'.repeat(100) + 'visible\n');
  assert.ok(storm!.endsWith('visible') && storm!.length < 200, 'text after a too-long CSI is kept, the CSI abandoned');
  assert.equal(e.escapeState, 'text');
  const f = new LineDecoder();
  f.push(enc('\x1b]' + 'z'.repeat(10_000)), 0);
  assert.equal(f.escapeState, 'text', 'an OSC that never ends is dropped after a bound');
});

test('control bytes and NULs carry no text; invalid UTF-8 becomes U+FFFD; end() flushes the last line', () => {
  const d = new LineDecoder();
  assert.deepEqual(texts(d, 'a\x00b\x07c\x7fd\n'), ['abcd']);
  const lines = d.push(new Uint8Array([0x41, 0xff, 0xfe, 0x42, 0x0a]), 0);
  assert.equal(lines[0]!.text, 'A\ufffd\ufffdB');
  d.push(enc('buildroot login: '), 5);
  assert.equal(d.pending(), 'buildroot login: ');
  assert.deepEqual(d.end(9).map((l) => [l.text, l.t]), [['buildroot login: ', 5]]);
  assert.deepEqual(d.end(10), []);
});

test('plain lines around escapes, UTF-8 and redraws in one chunk come out as they do byte by byte', () => {
  const s = 'one\n\x1b[1mab\x1b[0mé-two\nthree\r\nfour\x1b[1m\nfive\rFIVE\nsix\r\r\n\x00seven\nπ\neight\nnine';
  const whole = new LineDecoder();
  const lines = [...whole.push(enc(s), 0), ...whole.end(0)].map((l) => l.text);
  assert.deepEqual(lines, ['one', 'abé-two', 'three', 'four', 'FIVE', 'six', 'seven', 'π', 'eight', 'nine']);
  const bytes = enc(s);
  const single = new LineDecoder();
  const bySingleBytes: string[] = [];
  for (let i = 0; i < bytes.length; i += 1) bySingleBytes.push(...single.push(bytes.subarray(i, i + 1), 0).map((l) => l.text));
  bySingleBytes.push(...single.end(0).map((l) => l.text));
  assert.deepEqual(bySingleBytes, lines);
});
