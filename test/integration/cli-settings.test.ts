/**
 * `walt-bench settings` through the built CLI: a value set is stored per user (settings.json in the state folder)
 * and applies to the next command (bench without --iface uses the bench interface), `unset` restores the default, and
 * an invalid value or a journal location that is not a folder is refused with the reason (exit 2 or 3), unstored.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, runCli } from '../support/cli.js';

describe('walt-bench settings', () => {
  let base = '';
  let env: NodeJS.ProcessEnv = {};
  before(() => {
    assertBuilt();
    base = mkdtempSync(join(tmpdir(), 'wb-cli-settings-'));
    env = { WALT_BENCH_HOME: join(base, 'state') };
  });
  after(() => rmSync(base, { recursive: true, force: true }));
  const stored = (): Record<string, unknown> => JSON.parse(readFileSync(join(base, 'state', 'settings.json'), 'utf8')) as Record<string, unknown>;

  it('set, then the next command uses it; unset restores the default; --json prints them all', async () => {
    const none = await runCli(['bench', '--observe'], env);
    assert.equal(none.status, 2, none.stderr);
    assert.match(none.stderr, /--iface.*bench interface in Settings/);
    const set = await runCli(['settings', 'set', 'benchIface', 'wbcli9'], env);
    assert.equal(set.status, 0, set.stderr);
    assert.match(set.stdout, /benchIface\s+wbcli9/);
    assert.equal(stored().benchIface, 'wbcli9');
    const bench = await runCli(['bench', '--observe'], env);
    assert.equal(bench.status, 1);
    assert.match(bench.stderr, /no network interface "wbcli9"/);
    const journals = join(base, 'journals');
    mkdirSync(journals);
    assert.equal((await runCli(['settings', 'set', 'journalDir', journals], env)).status, 0);
    assert.equal((await runCli(['settings', 'set', 'defaultBaud', '9600'], env)).status, 0);
    const unset = await runCli(['settings', 'unset', 'benchIface', '--json'], env);
    const all = JSON.parse(unset.stdout) as Record<string, unknown>;
    assert.deepEqual([all.benchIface, all.journalDir, all.defaultBaud], [null, journals, 9600]);
  });

  it('refuses an invalid value and a journal location that is not a folder, with the reason; nothing stored', async () => {
    const before = stored();
    const baud = await runCli(['settings', 'set', 'defaultBaud', '12'], env);
    assert.notEqual(baud.status, 0);
    assert.match(baud.stderr, /defaultBaud/);
    const journal = await runCli(['settings', 'set', 'journalDir', join(base, 'missing')], env);
    assert.notEqual(journal.status, 0);
    assert.match(journal.stderr, /does not exist.*\n?.*mkdir -p/s);
    const key = await runCli(['settings', 'set', 'colour', 'red'], env);
    assert.equal(key.status, 2);
    assert.match(key.stderr, /name a setting: .*defaultBaud/);
    assert.deepEqual(stored(), before);
  });
});
