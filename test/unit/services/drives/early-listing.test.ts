import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Drive } from '../../../../src-main/core/drives/drive.js';
import { DrivelistLister, type DriveLister } from '../../../../src-main/services/drives/drive-lister.js';
import { DriveWatcher } from '../../../../src-main/services/drives/drive-watcher.js';
import { type EarlyListing, startEarlyListing } from '../../../../src-main/services/drives/early-listing.js';
import { fakeDrive } from '../../../support/drives.js';

/** lsblk's JSON (--bytes --all --json --paths --output-all, trimmed) for a USB card reader and the system disk. */
const LSBLK = JSON.stringify({
  blockdevices: [
    { name: '/dev/sdzz', kname: '/dev/sdzz', size: '31914983424', ro: '0', rm: '1', hotplug: '1', tran: 'usb', subsystems: 'block:scsi:usb:pci', vendor: 'Generic ', model: 'STORAGE DEVICE', label: null, partlabel: null, mountpoint: null, pttype: 'dos',
      children: [{ name: '/dev/sdzz1', label: 'BOOT', partlabel: null, mountpoint: '/media/walt/BOOT' }] },
    { name: '/dev/vdzz', kname: '/dev/vdzz', size: '21474836480', ro: '0', rm: '0', hotplug: '0', tran: null, subsystems: 'block:virtio:pci', vendor: '0x1af4', model: null, label: null, partlabel: null, mountpoint: null,
      children: [{ name: '/dev/vdzz1', label: null, partlabel: null, mountpoint: '/' }] },
  ],
});

const early = (output: string | null, ageMs = 0): EarlyListing => ({ startedAt: Date.now() - ageMs, output: Promise.resolve(output) });

describe('an lsblk started before the first list (a CLI flash)', () => {
  it('gives the first list its drives, through drivelist transform, and the time lsblk was started', async () => {
    const listing = early(LSBLK, 40);
    const lister = new DrivelistLister(listing);
    const drives = await lister.list();
    const card = drives.find((d) => d.device === '/dev/sdzz');
    assert.ok(card, 'the listed card');
    assert.equal(card.size, 31914983424);
    assert.equal(card.isRemovable, true);
    assert.equal(card.isSystem, false);
    assert.deepEqual(card.mountpoints, [{ path: '/media/walt/BOOT', label: 'BOOT' }]);
    const system = drives.find((d) => d.device === '/dev/vdzz');
    assert.equal(system?.isSystem, true, 'a fixed disk stays a system drive');
    assert.deepEqual(system?.mountpoints, [{ path: '/', label: null }]);
    assert.equal(lister.takenAt(), listing.startedAt);
  });

  it('is used once: the next list is a new lsblk of this machine', { skip: process.platform !== 'linux' }, async () => {
    const lister = new DrivelistLister(early(LSBLK));
    await lister.list();
    const again = await lister.list();
    assert.ok(!again.some((d) => d.device === '/dev/sdzz'), 'not the early output again');
    assert.equal(lister.takenAt(), null);
  });

  it('is not used when it failed or is over a second old', { skip: process.platform !== 'linux' }, async () => {
    for (const listing of [early(null), early(LSBLK, 1500), early('not json')]) {
      const lister = new DrivelistLister(listing);
      assert.ok(!(await lister.list()).some((d) => d.device === '/dev/sdzz'));
      assert.equal(lister.takenAt(), null);
    }
  });

  it('runs drivelist own lsblk command', { skip: process.platform !== 'linux' }, async () => {
    const listing = startEarlyListing();
    assert.ok(listing);
    const out = await listing.output;
    assert.ok(out !== null && Array.isArray(JSON.parse(out).blockdevices));
  });

  it('counts the list as old as that lsblk: the identity re-check does not reuse it once 250 ms have passed since', async () => {
    let lists = 0;
    const lister: DriveLister = {
      async list(): Promise<Drive[]> {
        lists += 1;
        return [fakeDrive({ device: '/dev/sdz', size: 32 << 20 })];
      },
      unchanged: async () => true,
      // the first list came from an lsblk started 300 ms before it
      takenAt: () => (lists === 1 ? Date.now() - 300 : null),
    };
    const watcher = new DriveWatcher({ lister });
    await watcher.refresh();
    await watcher.recent(250, ['/dev/sdz']);
    assert.equal(lists, 2, 'listed again');
    await watcher.recent(250, ['/dev/sdz']);
    assert.equal(lists, 2, 'a list just taken is reused');
  });
});
