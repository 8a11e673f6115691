/**
 * `npm run eval:analyzer`: the boot analyzer measured on the labelled corpus (../shared/bootlogs and
 * test/fixtures/bootlogs): accuracy per bootloader family and a confusion matrix over the high-confidence labels,
 * on the whole corpus and held out. Held out: the sources are split in two halves by a hash; each half is measured
 * with only the patterns learned from the other half (a pattern's `from` names a transcript of it, or WalT itself),
 * then the halves swap.
 */
import { analyzeLog } from '../src-main/core/boot/analyzer.js';
import type { Pattern } from '../src-main/core/boot/pattern.js';
import { OUTCOMES } from '../src-main/core/boot/verdict.js';
import { loadCorpus, type Transcript } from '../test/support/bootlog-corpus.js';

const corpus = loadCorpus();
const OWN = new Set(['domain', 'probe-script']);

interface Score {
  right: number;
  total: number;
  confidentWrong: number;
}

function measure(items: readonly Transcript[], keep?: (p: Pattern) => boolean): { score: Score; families: Map<string, Score>; confusion: Map<string, number>; wrong: string[] } {
  const score: Score = { right: 0, total: 0, confidentWrong: 0 };
  const families = new Map<string, Score>();
  const confusion = new Map<string, number>();
  const wrong: string[] = [];
  for (const t of items) {
    if (t.confidence !== 'high') continue;
    const { verdict } = analyzeLog(t.bytes, {}, keep);
    const fam = families.get(t.bootloader) ?? { right: 0, total: 0, confidentWrong: 0 };
    families.set(t.bootloader, fam);
    for (const s of [score, fam]) {
      s.total += 1;
      if (verdict.outcome === t.outcome) s.right += 1;
      else if (verdict.confidence === 'high') s.confidentWrong += 1;
    }
    const key = `${t.outcome}>${verdict.outcome}`;
    confusion.set(key, (confusion.get(key) ?? 0) + 1);
    if (verdict.outcome !== t.outcome) wrong.push(`${t.file.slice(0, 70)}: labelled ${t.outcome}, got ${verdict.outcome} (${verdict.confidence})`);
  }
  return { score, families, confusion, wrong };
}

const pct = (s: Score): string => `${((100 * s.right) / Math.max(1, s.total)).toFixed(1)}% (${s.right}/${s.total}, ${s.confidentWrong} wrong with high confidence)`;

function report(title: string, r: ReturnType<typeof measure>, matrix: boolean): void {
  console.log(`\n${title}: ${pct(r.score)}`);
  for (const [fam, s] of [...r.families].sort()) console.log(`  ${fam.padEnd(13)} ${pct(s)}`);
  if (matrix) {
    const short = (o: string): string => o.replace('tftp-', 't-').replace('-failure', '-f').slice(0, 10);
    console.log(`  confusion (rows: label, columns: verdict)\n  ${''.padEnd(15)}${OUTCOMES.map((o) => short(o).padStart(11)).join('')}`);
    for (const a of OUTCOMES) console.log(`  ${a.padEnd(15)}${OUTCOMES.map((b) => String(r.confusion.get(`${a}>${b}`) ?? '.').padStart(11)).join('')}`);
  }
  for (const w of r.wrong) console.log(`  wrong: ${w}`);
}

const high = corpus.filter((t) => t.confidence === 'high').length;
console.log(`corpus: ${corpus.length} transcripts (${high} labelled with high confidence) from ${new Set(corpus.map((t) => t.source)).size} sources`);
report('whole corpus, all patterns', measure(corpus), true);
const halves = [0, 1].map((h) => corpus.filter((t) => t.half === h));
let right = 0;
let total = 0;
let confidentWrong = 0;
for (const h of [0, 1] as const) {
  const dev = new Set(halves[1 - h]!.map((t) => t.id));
  const r = measure(halves[h]!, (p) => p.from.some((id) => dev.has(id) || OWN.has(id)));
  right += r.score.right;
  total += r.score.total;
  confidentWrong += r.score.confidentWrong;
  report(`held out: half ${h} (${halves[h]!.length} transcripts), patterns learned from half ${1 - h} only`, r, false);
}
console.log(`\nheld out, both halves: ${((100 * right) / Math.max(1, total)).toFixed(1)}% (${right}/${total}, ${confidentWrong} wrong with high confidence)`);
