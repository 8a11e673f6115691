/**
 * The analyzer on hostile input (issue 13): its work grows linearly with the input (decoded bytes counted, and n vs
 * 4n timed in the same run as a ratio), a line that never ends is cut into bounded pieces, random bytes give a
 * verdict, the listed events are capped while the verdict uses all of them, and the patterns' regexes stay linear on
 * lines repeating their keywords.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeLog, BootAnalyzer, LogAnalysis } from '../../../../src-main/core/boot/analyzer.js';
import { MAX_LISTED_EVENTS } from '../../../../src-main/core/boot/event-log.js';
import { DEFAULT_MAX_LINE } from '../../../../src-main/core/boot/line-decoder.js';
import { followedBy } from '../../../../src-main/core/boot/pattern.js';
import { OUTCOMES } from '../../../../src-main/core/boot/verdict.js';

/** mulberry32: seeded, and random enough that `\n\n` and short ASCII lines turn up as in real random bytes. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function randomBytes(n: number, seed: number): Uint8Array {
  const rand = prng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 1) out[i] = Math.floor(rand() * 256);
  return out;
}

/** Analyzes `bytes` pushed as one chunk (the worst case), counting the bytes handed to the UTF-8 decoder. */
function decodedBytes(bytes: Uint8Array): { decoded: number; lines: number } {
  let decoded = 0;
  const td = new TextDecoder();
  const a = new LogAnalysis({ decodeText: (b) => ((decoded += b.length), td.decode(b)) });
  a.push(bytes);
  return { decoded, lines: a.finish().verdict.lines };
}

function seconds(f: () => void): number {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

test('the decoder decodes each byte of random input at most twice: the work is linear (1 MiB vs 4 MiB)', () => {
  const small = decodedBytes(randomBytes(1 << 20, 1));
  const large = decodedBytes(randomBytes(4 << 20, 2));
  // the old decoder re-decoded the rest of the chunk at every fast line after a non-ASCII byte: 15x for 1 MiB, 60x for 4
  assert.ok(small.decoded <= 2 * (1 << 20), `1 MiB: ${small.decoded} bytes decoded`);
  assert.ok(large.decoded <= 2 * (4 << 20), `4 MiB: ${large.decoded} bytes decoded`);
  const ratio = large.decoded / small.decoded;
  assert.ok(ratio > 3 && ratio < 5, `decoded bytes grow 4x for 4x the input (got ${ratio.toFixed(2)}x)`);
});

test('analysing 4x the random bytes takes about 4x the time, not 16x (ratio in the same run)', () => {
  const small = randomBytes(512 << 10, 3);
  const large = randomBytes(2 << 20, 4);
  analyzeLog(small); // warm up the compiled code
  const ts = Math.min(seconds(() => analyzeLog(small)), seconds(() => analyzeLog(small)));
  const tl = Math.min(seconds(() => analyzeLog(large)), seconds(() => analyzeLog(large)));
  assert.ok(tl / ts < 10, `4x the input took ${(tl / ts).toFixed(1)}x the time (quadratic would be 16x)`);
});

test('a 1 MiB line without a newline: cut into pieces of at most maxLine bytes, counted, bounded work', () => {
  const line = new Uint8Array(1 << 20).fill(0x41);
  let decoded = 0;
  const a = new BootAnalyzer({ decodeText: (b) => ((decoded += b.length), new TextDecoder().decode(b)) });
  const pieces = [];
  for (let o = 0; o < line.length; o += 4096) pieces.push(...a.push(line.subarray(o, o + 4096), 0).lines);
  pieces.push(...a.end(0).lines);
  assert.equal(pieces.length, (1 << 20) / DEFAULT_MAX_LINE);
  assert.ok(pieces.every((l) => l.text.length <= DEFAULT_MAX_LINE));
  assert.ok(pieces.slice(0, -1).every((l) => l.continued), 'every piece but the last says the line goes on');
  assert.equal(pieces.at(-1)!.continued, false);
  assert.ok(decoded <= 2 * line.length, `${decoded} bytes decoded for a 1 MiB line`);
  const v = a.verdict();
  assert.equal(v.lines, pieces.length);
  assert.equal(v.outcome, 'other');
  // the same line with UTF-8 and a redraw in it, in one chunk
  const mixed = analyzeLog(new TextEncoder().encode('é'.repeat(300_000) + '\rU-Boot 2023.01 (x)' + 'x'.repeat(400_000)));
  assert.ok(mixed.verdict.lines >= 2);
});

test('random bytes give a verdict without throwing, whatever the seed and the chunking', () => {
  for (let seed = 10; seed < 16; seed += 1) {
    const bytes = randomBytes(256 << 10, seed);
    const whole = analyzeLog(bytes).verdict;
    assert.ok((OUTCOMES as readonly string[]).includes(whole.outcome));
    const a = new BootAnalyzer();
    for (let o = 0; o < bytes.length; o += 997) a.push(bytes.subarray(o, o + 997), o);
    a.end(0);
    assert.equal(a.verdict().outcome, whole.outcome, 'the chunking changes nothing');
    assert.equal(a.verdict().lines, whole.lines);
  }
});

test('the listed events are capped (first and latest kept, the rest counted); the verdict uses every event', () => {
  const ok = "U-Boot 2023.01 (x)\r\nBOOTP broadcast 1\r\nDHCP client bound to address 192.168.152.12 (3 ms)\r\nresetting ...\r\n";
  const failing = "U-Boot 2023.01 (x)\r\nBOOTP broadcast 1\r\nTFTP from server 192.168.152.1; our IP address is 192.168.152.12\r\n" +
    "Filename 'start.uboot'.\r\nLoading: *\r\nTFTP error: 'File not found' (1)\r\n";
  const r = analyzeLog(ok.repeat(5000) + failing);
  assert.equal(r.events.length, MAX_LISTED_EVENTS);
  assert.ok(r.eventCount > 20_000, `${r.eventCount} events seen`);
  assert.equal(r.eventsDropped, r.eventCount - MAX_LISTED_EVENTS);
  assert.equal(r.events[0]!.line, 1, 'the first event is listed');
  assert.equal(r.events.at(-1)!.kind, 'tftp-error', 'the latest event is listed');
  assert.ok(r.events.every((e, i) => i === 0 || e.line >= r.events[i - 1]!.line), 'in order');
  assert.equal(r.verdict.outcome, 'tftp-not-found');
  assert.equal(r.verdict.resets, 5000);
});

test('followedBy matches like /first.*?then/ (same capture) on fuzzed lines', () => {
  const words = ['TFTP', 'tftp', 'xTFTP', 'TFTPx', ' ', 'timeout', 'time out', 'error', 'not found', '\u2028', 'failed', 'a', '-'];
  const old = /\bTFTP\b.*?\b(time(?:d)?[ -]?out|timeout|not found|no such file|failed|error)/i;
  const now = followedBy(/\bTFTP\b/i, /\b(time(?:d)?[ -]?out|timeout|not found|no such file|failed|error)/i);
  const rand = prng(7);
  for (let i = 0; i < 20_000; i += 1) {
    let s = '';
    const n = 1 + Math.floor(rand() * 8);
    for (let k = 0; k < n; k += 1) s += words[Math.floor(rand() * words.length)]!;
    assert.equal(now.exec(s)?.[1], old.exec(s)?.[1], JSON.stringify(s));
    assert.equal(now.test(s), old.test(s), JSON.stringify(s));
  }
});

test('a line repeating a pattern keyword (TFTP TFTP ...): 4x the length takes about 4x the time, not 16x', () => {
  const run = (line: string) => {
    const bytes = new TextEncoder().encode((line + '\n').repeat(Math.floor(4_000_000 / line.length)));
    return seconds(() => analyzeLog(bytes));
  };
  for (const word of ['TFTP ', 'DHCP ', 'TFTP error: \'', 'Loading: 1']) {
    const short = word.repeat(Math.floor(1000 / word.length));
    const long = word.repeat(Math.floor(4000 / word.length));
    run(short);
    const ratio = Math.min(run(long), run(long)) / Math.min(run(short), run(short));
    // same bytes in total: a linear line costs the same per byte; a quadratic regex 4x more per byte
    assert.ok(ratio < 2.5, `${JSON.stringify(word)}: lines 4x longer cost ${ratio.toFixed(2)}x per byte`);
  }
});
