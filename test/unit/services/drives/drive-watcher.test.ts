import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Drive } from '../../../../src-main/core/drives/drive.js';
import type { DriveLister } from '../../../../src-main/services/drives/drive-lister.js';
import { DriveWatcher } from '../../../../src-main/services/drives/drive-watcher.js';
import { fakeDrive } from '../../../support/drives.js';

const card = (size: number): Drive => fakeDrive({ device: '/dev/sdz', description: 'card', size, serial: null });

/** A lister whose card the test swaps, counting its lists; `kernel` is what sysfs would say now. */
function fakeLister(withUnchanged: boolean): DriveLister & { lists: number; kernel: Drive } {
  const lister = {
    lists: 0,
    kernel: card(32 << 20),
    async list() {
      lister.lists += 1;
      return [lister.kernel];
    },
    ...(withUnchanged ? { unchanged: async (drives: Drive[]) => drives.every((d) => d.size === lister.kernel.size) } : {}),
  };
  return lister;
}

describe('DriveWatcher.recent', () => {
  it('reuses a list a moment old while the kernel still gives the card its size: one lsblk', async () => {
    const lister = fakeLister(true);
    const watcher = new DriveWatcher({ lister });
    await watcher.refresh();
    assert.equal((await watcher.recent(250, ['/dev/sdz']))[0]!.size, 32 << 20);
    assert.equal(lister.lists, 1);
  });

  it('lists again when the card was swapped in that moment (another size), so the swap is seen', async () => {
    const lister = fakeLister(true);
    const watcher = new DriveWatcher({ lister });
    await watcher.refresh();
    lister.kernel = card(48 << 20);
    assert.equal((await watcher.recent(250, ['/dev/sdz']))[0]!.size, 48 << 20);
    assert.equal(lister.lists, 2);
  });

  it('lists again for a device the recent list does not hold', async () => {
    const lister = fakeLister(true);
    const watcher = new DriveWatcher({ lister });
    await watcher.refresh();
    await watcher.recent(250, ['/dev/sdy']);
    assert.equal(lister.lists, 2);
  });

  it('trusts a recent list as it is when the lister cannot check the kernel', async () => {
    const lister = fakeLister(false);
    const watcher = new DriveWatcher({ lister });
    await watcher.refresh();
    lister.kernel = card(48 << 20);
    assert.equal((await watcher.recent(250, ['/dev/sdz']))[0]!.size, 32 << 20);
    assert.equal(lister.lists, 1);
  });
});
