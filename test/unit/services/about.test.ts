/** The About facts (services/app/about.ts) and `walt-bench about [--json]` (the bundle: node scripts/bundle.mjs), which prints them. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { aboutFacts, aboutLines } from '../../../src-main/services/app/about.js';

const ROOT = join(__dirname, '..', '..', '..');
const pkg = (p: string): string => (JSON.parse(readFileSync(join(ROOT, p), 'utf8')) as { version: string }).version;

describe('about', () => {
  it('reports the installed versions, and Electron only when running in it', () => {
    const facts = aboutFacts();
    assert.equal(facts.app, pkg('package.json'));
    assert.equal(facts.node, process.versions.node);
    assert.equal(facts.electron, null);
    assert.equal(facts.etcherSdk, pkg('node_modules/etcher-sdk/package.json'));
    assert.equal(facts.catalog?.source, join(ROOT, 'assets', 'catalog.json'));
    assert.match(facts.catalog?.date ?? '', /^\d{4}-\d{2}-\d{2}$/);
    assert.match(aboutLines(facts).join('\n'), /Electron\s+not running in Electron/);
    const inElectron = aboutFacts({ ...process.versions, electron: '45.4.1' });
    assert.equal(inElectron.electron, '45.4.1');
    assert.match(aboutLines(inElectron).join('\n'), /Electron\s+45\.4\.1/);
  });

  it('walt-bench about --json prints the same facts', () => {
    const home = mkdtempSync(join(tmpdir(), 'app-about-'));
    try {
      const out = execFileSync(process.execPath, [join(ROOT, 'bin', 'walt-bench.js'), 'about', '--json'], {
        env: { ...process.env, WALT_BENCH_HOME: home },
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.deepEqual(JSON.parse(out), JSON.parse(JSON.stringify(aboutFacts())));
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
