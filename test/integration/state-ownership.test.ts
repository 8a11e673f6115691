import assert from 'node:assert/strict';
import { chownSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createBackend } from '../../src-main/services/backend.js';
import { Journal } from '../../src-main/services/journal/journal.js';
import { inProcessClient } from '../../src-main/transports/in-process/client.js';

const nobody = { uid: 65534, gid: 65534 };

describe('state written by a root helper belongs to the user it works for', { skip: process.getuid?.() === 0 ? false : 'needs root' }, () => {
  it('gives the state folders, settings and journal back to the owner, and lists their home by default', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-own-'));
    chownSync(dir, nobody.uid, nobody.gid); // the user's own home folder
    try {
      const home = join(dir, 'state');
      const backend = await createBackend({ home, owner: { ...nobody, home: dir }, pollMs: 60000 });
      const api = inProcessClient(backend.dispatcher);
      await api.call('settings.set', { verify: false });
      new Journal(backend.paths.journal, nobody).append({
        time: new Date().toISOString(), device: '/dev/sdz', size: 1, description: '', serial: null, imageName: 'x.img',
        imageSha256: null, bytes: 1, durationMs: 1, averageSpeed: 1, verified: false, result: 'ok', error: null,
      });
      for (const path of [home, backend.paths.cache, backend.paths.settings, backend.paths.journal]) {
        assert.equal(statSync(path).uid, nobody.uid, path);
      }
      assert.equal((await api.call('fs.list', {})).dir, dir);
      await backend.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
