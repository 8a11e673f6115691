import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { driveDisplayName } from '../../../src-main/core/drives/display-name.js';

const GiB = 1024 ** 3;

describe('drive display name', () => {
  it("a virtio disk's bare PCI vendor id (lsblk's 0x1af4) becomes its vendor, bus and size", () => {
    assert.equal(driveDisplayName({ description: '0x1af4', device: '/dev/vda', busType: 'UNKNOWN', size: 256 * GiB }), 'Virtio disk, 256 GiB');
  });

  it('a vendor id followed by a model keeps the model', () => {
    assert.equal(driveDisplayName({ description: '0x1af4 QEMU HARDDISK', device: '/dev/sda', busType: 'SATA', size: GiB }), 'QEMU HARDDISK');
  });

  it('a real model text is kept as it is', () => {
    assert.equal(driveDisplayName({ description: 'Generic STORAGE DEVICE', device: '/dev/sdb', busType: 'USB', size: 32e9 }), 'Generic STORAGE DEVICE');
  });

  it('no text at all: the bus and the size, in the binary units of every other size', () => {
    assert.equal(driveDisplayName({ description: '', device: '/dev/sdc', busType: 'USB', size: 31914983424 }), 'USB disk, 29.7 GiB');
    assert.equal(driveDisplayName({ description: ' ', device: '/dev/mmcblk0', busType: 'UNKNOWN', size: null }), 'SD/MMC disk');
    assert.equal(driveDisplayName({ description: '', device: '/dev/sdz', busType: 'UNKNOWN', size: null }), 'Disk');
  });

  it('an unknown vendor id is never shown as such', () => {
    assert.doesNotMatch(driveDisplayName({ description: '0xabcd', device: '/dev/sdd', busType: 'UNKNOWN', size: GiB }), /0x/);
  });
});
