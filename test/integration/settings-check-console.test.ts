/**
 * The default-baud setting applies to the boot check's console too: check.start with a port opens that port (a real
 * socat pty, by its /dev/pts name) at the setting's speed before the bench starts. The bench here fails at once (an interface that does not
 * exist), which closes the console; the session stays listed with the settings it was opened with.
 */
import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createPtyCable, type PtyCable } from '../support/socat.js';
import { startTestBackend, type TestBackend } from '../support/backend.js';

describe('default baud: the boot check console', () => {
  let t: TestBackend;
  let cable: PtyCable;
  before(async () => {
    t = await startTestBackend({ watchDrives: false });
    cable = await createPtyCable();
  });
  after(async () => {
    await t.close();
    await cable.close();
  });

  it('opens the board console at the default-baud setting', async () => {
    const start = (): Promise<unknown> => t.api.call('check.start', { iface: 'wbnone0', expect: 'rpi-4-b', mode: 'observe', timeoutS: 5, port: realpathSync(cable.host) });
    await t.api.call('settings.set', { defaultBaud: 57600 });
    await assert.rejects(start(), /wbnone0/);
    await t.api.call('settings.set', { defaultBaud: 230400 });
    await assert.rejects(start(), /wbnone0/);
    const sessions = await t.api.call('serial.sessions', {});
    assert.deepEqual(sessions.map((s) => [s.path, s.settings.baudRate, s.state]), [
      [realpathSync(cable.host), 57600, 'closed'],
      [realpathSync(cable.host), 230400, 'closed'],
    ]);
  });
});
