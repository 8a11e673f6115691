import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { randomFile } from '../support/backend.js';
import { assertBuilt, ROOT, runCli } from '../support/cli.js';
import { createZramCard, type ZramCard, zramAvailable } from '../support/zram.js';

const MiB = 1 << 20;

/** Runs the built CLI with Node's module tracing on; returns its status and every file it loaded. */
async function loadedFiles(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; files: string[] }> {
  const { status, stderr } = await runCli(args, { ...env, NODE_DEBUG: 'module' });
  const files = [...stderr.matchAll(/^MODULE \d+: load "([^"]+)"/gm)].map((m) => m[1]!);
  return { status, files: [...new Set(files)] };
}

describe('the built CLI loads only what a command needs', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const cards: ZramCard[] = [];

  before(() => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'wb-startup-'));
    env = { WALT_BENCH_HOME: join(dir, 'home'), WALT_BENCH_VIRTUAL_DRIVES: '1' };
  });
  after(() => {
    for (const c of cards) c.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--help runs from the bundle and loads nothing but the launcher (bin/walt-bench.js, its code-cache hook) and dist/bundle/cli.cjs', async () => {
    const { status, files } = await loadedFiles(['--help'], env);
    assert.equal(status, 0);
    assert.deepEqual(files.sort(), [join(ROOT, 'bin', 'walt-bench.js'), join(ROOT, 'bin', 'code-cache.js'), join(ROOT, 'dist', 'bundle', 'cli.cjs')].sort());
  });

  it('journal loads the command bundle (zod, ws, yauzl inside it) and not etcher-sdk, drivelist, serialport or lzma-native', async () => {
    const { status, files } = await loadedFiles(['journal', '--json'], env);
    assert.equal(status, 0);
    assert.ok(files.includes(join(ROOT, 'dist', 'bundle', 'run-command.cjs')), files.join('\n'));
    // xxhash-addon (~4 ms, imported by the card writer) is the one native module still loaded with the backend.
    const heavy = files.filter((f) => /node_modules\/(etcher-sdk|drivelist|serialport|@serialport|lzma-native|zod|ws|yauzl)\//.test(f));
    assert.deepEqual(heavy, []);
  });

  it('flash writes the card with etcher-sdk\'s writer modules, never its main entry or its cloud and HTTP libraries', { skip: zramAvailable() ? false : 'needs root and zram' }, async () => {
    const card = createZramCard(8 * MiB);
    cards.push(card);
    const img = join(dir, 'small.img');
    randomFile(img, 2 * MiB);
    const { status, files } = await loadedFiles(['flash', img, '--drive', card.device, '--yes', '--json'], env);
    assert.equal(status, 0);
    execFileSync('cmp', ['-n', String(2 * MiB), img, card.device]);
    // etcher-sdk's writer parts come bundled in one file (scripts/bundle.mjs): its source map names what is inside
    const writer = join(ROOT, 'dist', 'bundle', 'etcher-writer.cjs');
    assert.ok(files.includes(writer), `the writer bundle was loaded:\n${files.join('\n')}`);
    const inside = (JSON.parse(readFileSync(`${writer}.map`, 'utf8')) as { sources: string[] }).sources;
    assert.ok(inside.some((f) => f.endsWith('etcher-sdk/lib/source-destination/block-device.ts')), 'the block device is in the writer bundle');
    const HEAVY = /etcher-sdk\/(build|lib)\/index\.[jt]s$|node_modules\/(axios|@aws-sdk|aws4-axios|unzip-stream|@balena\/udif|serialport)\//;
    assert.deepEqual([...files, ...inside].filter((f) => HEAVY.test(f)), [], 'no main entry, cloud or HTTP library, loaded or bundled');
  });
});
