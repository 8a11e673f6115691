/**
 * The CLI's defaults from the settings: console/watch open at the default-baud setting when no --baud is given, and
 * bench/check/check --all use the bench-interface setting when no --iface is given (an explicit flag wins; neither
 * is a usage error naming both ways out). Through the commands themselves, on a fake API that records what they ask
 * and stops them there.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiClient, SettingsData } from '../../../src-main/api/contract.js';
import { ApiError } from '../../../src-main/api/errors.js';
import { UsageError } from '../../../src-main/cli/args.js';
import { benchCommand } from '../../../src-main/cli/commands/bench.js';
import { checkCommand } from '../../../src-main/cli/commands/check.js';
import { consoleCommand } from '../../../src-main/cli/commands/console.js';
import { watchCommand } from '../../../src-main/cli/commands/watch.js';
import { DEFAULT_SETTINGS } from '../../../src-main/services/settings/settings.js';

const STOP = 'stopped by the test';

/** A fake API with these settings: the first command that would open a port or start the bench is recorded, then refused. */
function fakeApi(settings: Partial<SettingsData>): { api: ApiClient; asked: Record<string, Record<string, unknown>> } {
  const asked: Record<string, Record<string, unknown>> = {};
  const api: ApiClient = {
    async call(name, input) {
      if (name === 'settings.get') return { ...DEFAULT_SETTINGS, ...settings } as never;
      asked[name] = input as Record<string, unknown>;
      throw new ApiError('refused', STOP);
    },
    on: () => () => undefined,
  };
  return { api, asked };
}

describe('CLI defaults from the settings', () => {
  it('console and watch open at the default-baud setting; --baud wins', async () => {
    const slow = fakeApi({ defaultBaud: 9600 });
    await assert.rejects(consoleCommand(slow.api, ['/dev/ttyFAKE0']), new RegExp(STOP));
    assert.equal(slow.asked['serial.open']!.baudRate, 9600);
    await assert.rejects(watchCommand(slow.api, ['/dev/ttyFAKE0']), new RegExp(STOP));
    assert.equal(slow.asked['serial.open']!.baudRate, 9600);
    await assert.rejects(consoleCommand(slow.api, ['/dev/ttyFAKE0', '--baud', '57600']), new RegExp(STOP));
    assert.equal(slow.asked['serial.open']!.baudRate, 57600);
    const usual = fakeApi({});
    await assert.rejects(watchCommand(usual.api, ['/dev/ttyFAKE0']), new RegExp(STOP));
    assert.equal(usual.asked['serial.open']!.baudRate, 115200, 'the default setting is 115200');
    await assert.rejects(consoleCommand(usual.api, ['/dev/ttyFAKE0', '--baud', 'fast']), UsageError);
  });

  it('bench, check and check --all use the bench-interface setting; --iface wins', async () => {
    const set = fakeApi({ benchIface: 'eth7' });
    await assert.rejects(benchCommand(set.api, ['--observe']), new RegExp(STOP));
    assert.equal(set.asked['bench.start']!.iface, 'eth7');
    await assert.rejects(benchCommand(set.api, ['--iface', 'eth2']), new RegExp(STOP));
    assert.equal(set.asked['bench.start']!.iface, 'eth2');
    await assert.rejects(checkCommand(set.api, ['--expect', 'rpi-4-b', '--observe']), new RegExp(STOP));
    assert.equal(set.asked['check.start']!.iface, 'eth7');
    await assert.rejects(checkCommand(set.api, ['--all', '--observe']), new RegExp(STOP));
    assert.equal(set.asked['check.rackStart']!.iface, 'eth7');
  });

  it('no --iface and no bench-interface setting: a usage error naming both ways out, nothing started', async () => {
    const none = fakeApi({ benchIface: null });
    for (const argv of [['--observe'], ['--expect', 'rpi-4-b'], ['--all']]) {
      const run = argv[0] === '--observe' ? benchCommand(none.api, argv) : checkCommand(none.api, argv);
      await assert.rejects(run, (e: Error) => e instanceof UsageError && /--iface/.test(e.message) && /bench interface in Settings/.test(e.message));
    }
    assert.deepEqual(Object.keys(none.asked), []);
  });
});
