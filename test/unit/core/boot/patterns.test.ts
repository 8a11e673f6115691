/**
 * The pattern tables are learned from the corpus: every pattern names the transcripts it came from and matches a
 * line of one of them (its literal start or substring, then its regex, on the line as the classifier normalizes
 * it). A pattern from a manual alone, or a `from` naming the wrong transcript, fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineDecoder } from '../../../../src-main/core/boot/line-decoder.js';
import { anchorRegex, normalizeLine, splitCollapsed } from '../../../../src-main/core/boot/line-normalizer.js';
import { type Pattern, PatternSet, startsOf } from '../../../../src-main/core/boot/pattern.js';
import { PATTERN_TABLES } from '../../../../src-main/core/boot/patterns.js';
import { loadCorpus, SHARED_BOOTLOGS } from '../../../support/bootlog-corpus.js';

const corpus = loadCorpus();
const anchors = anchorRegex(new PatternSet(PATTERN_TABLES).starts);

/** The normalized lines of a text, as the classifier sees them (raw and without prefixes, collapsed pastes cut). */
function linesOf(bytes: Uint8Array): string[] {
  const d = new LineDecoder();
  const out: string[] = [];
  for (const l of [...d.push(bytes, 0), ...d.end(0)]) {
    const s = l.text.trim();
    for (const piece of splitCollapsed(normalizeLine(s), anchors)) out.push(piece, normalizeLine(piece));
    out.push(s);
  }
  return out;
}

/** Where WalT's own lines come from (WalT is not a third party: its formats are learned from WalT). */
const OWN: Record<string, () => string[]> = {
  // the doc's transcript lines, and the lines it quotes in backticks
  domain: () => {
    const text = readFileSync(join(SHARED_BOOTLOGS, '..', 'domain', 'walt-boot.md'), 'utf8');
    return [...text.split('\n').map((l) => l.trim()), ...[...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!)];
  },
  // the probe line as the probe script's documentation quotes it
  'probe-script': () => {
    const text = readFileSync(join(__dirname, '..', '..', '..', '..', 'src-main', 'core', 'walt', 'probe-scripts.ts'), 'utf8');
    return [...text.matchAll(/"(WALT-BENCH [^"]*)"/g)].map((m) => m[1]!);
  },
};

function takes(p: Pattern, s: string): boolean {
  const literal = p.has !== undefined ? s.includes(p.has) : startsOf(p).some((st) => s.startsWith(st));
  return literal && (p.re === undefined || p.re.test(s));
}

test('every pattern matches a line of a transcript it names', { skip: corpus.length < 50 ? 'corpus missing' : false }, () => {
  const byId = new Map(corpus.map((t) => [t.id, t]));
  const cache = new Map<string, string[]>();
  const lines = (id: string): string[] => {
    if (!cache.has(id)) cache.set(id, OWN[id] ? OWN[id]() : byId.has(id) ? linesOf(byId.get(id)!.bytes) : []);
    return cache.get(id)!;
  };
  const ids = new Set<string>();
  const problems: string[] = [];
  for (const table of PATTERN_TABLES) {
    for (const p of table.patterns) {
      assert.ok(!ids.has(p.id), `pattern id ${p.id} is unique`);
      ids.add(p.id);
      assert.ok(p.from.length > 0, `${p.id} names its transcripts`);
      for (const id of p.from) if (!OWN[id]) assert.ok(byId.has(id), `${p.id} names transcript ${id}, which exists`);
      if (!p.from.some((id) => lines(id).some((s) => takes(p, s)))) problems.push(`${p.id}: matches no line of ${p.from.join(', ')}`);
    }
  }
  assert.deepEqual(problems, []);
});
