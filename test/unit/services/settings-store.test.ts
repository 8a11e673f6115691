/**
 * The settings file shared by two processes (the desktop app's unprivileged side and its privileged helper): a value
 * saved by one is in force in the other at its next read, a save keeps what the other saved, and a hand-edited value
 * its schema refuses is ignored (its default stands) while the valid ones are kept.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DEFAULT_SETTINGS, SettingsStore } from '../../../src-main/services/settings/settings.js';

describe('SettingsStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wb-settings-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const env = {};

  it('a value saved by one store is read by another on the same file; a save keeps the values of the other', () => {
    const file = join(dir, 'shared.json');
    const helper = new SettingsStore(file, env);
    const app = new SettingsStore(file, env);
    assert.equal(app.get().defaultBaud, 115200);
    helper.set({ defaultBaud: 9600, catalogSource: '/srv/catalog.json' });
    assert.deepEqual([app.get().defaultBaud, app.get().catalogSource], [9600, '/srv/catalog.json']);
    app.set({ benchIface: 'eth3' });
    assert.deepEqual([helper.get().defaultBaud, helper.get().benchIface], [9600, 'eth3']);
  });

  it('a hand-edited file: values its schema refuses are ignored, valid ones kept, unknown keys dropped', () => {
    const file = join(dir, 'edited.json');
    writeFileSync(file, JSON.stringify({ defaultBaud: 'fast', largeDriveBytes: 5, journalDir: 'relative', benchIface: 'eth9', verify: false, extra: 1 }));
    const s = new SettingsStore(file, env).get();
    assert.deepEqual(
      [s.defaultBaud, s.largeDriveBytes, s.journalDir, s.benchIface, s.verify],
      [DEFAULT_SETTINGS.defaultBaud, DEFAULT_SETTINGS.largeDriveBytes, null, 'eth9', false],
    );
    assert.equal('extra' in s, false);
  });
});
