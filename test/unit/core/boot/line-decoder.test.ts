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

/**
 * Decodes `bytes` pushed `size` at a time, each chunk at time = its index, from a copy placed `shift` bytes into its
 * buffer (plain runs are read four bytes at a time from aligned addresses, so the alignment must not matter).
 * With `reference`, the same bytes go one at a time (nothing for the fast path but lone `\n`s), each at the time of
 * the chunk it belongs to: what the byte machine alone makes of them.
 */
function decodeAll(bytes: Uint8Array, size: number, options: { shift?: number; maxLine?: number; reference?: boolean } = {}) {
  const shift = options.shift ?? 0;
  const copy = new Uint8Array(bytes.length + shift + 8).subarray(shift, shift + bytes.length);
  copy.set(bytes);
  const d = new LineDecoder(options.maxLine);
  const lines = [];
  const pendings = [];
  const step = options.reference ? 1 : size;
  for (let i = 0; i < copy.length; i += step) {
    lines.push(...d.push(copy.subarray(i, i + step), Math.floor(i / size)));
    if (options.reference ? (i + 1) % size === 0 || i + 1 === copy.length : true) pendings.push(d.pending());
  }
  lines.push(...d.end(copy.length));
  return { lines, pendings };
}

/** A seeded generator (xorshift32), so a failing case can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

test('every byte value, at every place in a word of a plain run, comes out as the byte machine makes it', () => {
  const plain = enc('U-Boot 2023.04 (Jan 01 2026) DRAM: 4 GiB\r\nCore: 80 devices, 19 uclasses\n'.repeat(3));
  for (let b = 0; b < 256; b += 1) {
    for (const at of [0, 1, 2, 3, 4, 5, 6, 7, 40, 41, 42, 43, 97, 98]) {
      const bytes = plain.slice();
      bytes[at] = b;
      for (const shift of [0, 1, 2, 3]) {
        const got = decodeAll(bytes, bytes.length, { shift });
        assert.deepEqual(got, decodeAll(bytes, bytes.length, { reference: true }), `byte 0x${b.toString(16)} at ${at}, shift ${shift}`);
      }
    }
  }
});

test('random console-like bytes come out the same whatever the chunking and alignment', () => {
  // mostly plain text, with the bytes that leave the fast path: \r (redraws and line ends), tabs, escapes, \b, NUL,
  // DEL and non-ASCII (UTF-8 and broken)
  const alphabet = [...'abcdefghij klmnopqrstuvwxyz0123456789:.-=[]()'].map((c) => c.charCodeAt(0));
  const rare = [0x0a, 0x0a, 0x0a, 0x0d, 0x0d, 0x09, 0x1b, 0x5b, 0x08, 0x00, 0x7f, 0xc3, 0xa9, 0xff, 0x07, 0x4b];
  const next = random(0x5eed);
  for (let round = 0; round < 60; round += 1) {
    const bytes = new Uint8Array(600 + Math.floor(next() * 3000));
    const rareShare = round % 3 === 0 ? 0.005 : 0.05;
    for (let i = 0; i < bytes.length; i += 1) {
      bytes[i] = next() < rareShare ? rare[Math.floor(next() * rare.length)]! : next() < 0.03 ? 0x0a : alphabet[Math.floor(next() * alphabet.length)]!;
    }
    const size = [7, 64, 100, 4096][round % 4]!;
    const maxLine = round % 5 === 0 ? 50 : undefined;
    const reference = decodeAll(bytes, size, { reference: true, maxLine });
    assert.deepEqual(decodeAll(bytes, size, { shift: round % 4, maxLine }), reference, `round ${round}`);
  }
});

test('plain runs: lines at and over maxLine, \\r\\n pairs, a \\r at a chunk\'s end, thousands of lines in one chunk', () => {
  const lines = (s: string, maxLine?: number) => decodeAll(enc(s), s.length, { maxLine }).lines.map((l) => [l.text.length, l.continued]);
  const x = (n: number) => 'x'.repeat(n);
  assert.deepEqual(lines(`${x(99)}\n${x(100)}\r\n${x(101)}\n${x(300)}\r\r\n${x(70)}\n`, 100), [
    [99, false], [100, false], [100, true], [1, false], [100, true], [100, true], [100, false], [70, false],
  ]);
  const many = 'ok\n'.repeat(3000) + '\n'.repeat(2000) + 'last\n';
  const got = decodeAll(enc(many), many.length).lines;
  assert.equal(got.length, 5001);
  assert.deepEqual([got[0]!.text, got[2999]!.text, got[3000]!.text, got[5000]!.text, got[5000]!.n], ['ok', 'ok', '', 'last', 5001]);
  // a \r ending one chunk: a line end or a redraw, told by the next chunk's first byte
  const d = new LineDecoder();
  const text = 'a plain line long enough for the word-at-a-time check, then a return\r';
  assert.deepEqual(d.push(enc(`${text}\r`), 1), []);
  assert.deepEqual(d.push(enc('\nredrawn\r'), 2).map((l) => [l.text, l.t]), [[text.slice(0, -1), 1]]);
  assert.deepEqual(d.push(enc('new text, longer than the old one, over it all\n'), 3).map((l) => [l.text, l.t]), [['new text, longer than the old one, over it all', 2]]);
});

test('spans: a plain line points at its bytes in the chunk, a line the byte machine made points nowhere', () => {
  const d = new LineDecoder();
  const chunk = Buffer.from('plain one\r\nred \x1b[31mtext\x1b[0m\nplain\ttwo\nover\rwritten\nhalf a li');
  const lines = d.push(chunk, 0);
  assert.deepEqual(lines.map((l) => l.text), ['plain one', 'red text', 'plain\ttwo', 'written']);
  const spanText = (k: number): string | null => (d.spans[2 * k]! < 0 ? null : chunk.toString('latin1', d.spans[2 * k], d.spans[2 * k + 1]));
  assert.deepEqual(lines.map((_, k) => spanText(k)), ['plain one', null, 'plain\ttwo', null]);
  // the unfinished line comes from the machine, with the next chunk: no span
  const next = d.push(Buffer.from('ne\nlast\n'), 1);
  assert.deepEqual(next.map((l) => l.text), ['half a line', 'last']);
  assert.equal(d.spans[0], -1);
  assert.equal(Buffer.from('ne\nlast\n').toString('latin1', d.spans[2], d.spans[3]), 'last');
});
