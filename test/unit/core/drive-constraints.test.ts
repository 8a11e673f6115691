import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDrive, isSystemDrive } from '../../../src-main/core/drives/constraints.js';
import { fakeDrive } from '../../support/drives.js';

const codes = (d: ReturnType<typeof checkDrive>): string[] => d.reasons.map((r) => r.code);

describe('drive constraints', () => {
  it('accepts a plain removable card', () => {
    const e = checkDrive(fakeDrive(), { imageSize: 1e9 });
    assert.deepEqual(e, { eligible: true, needsConfirm: false, reasons: [] });
  });

  it('never targets the system drive, whatever else is true', () => {
    const sys = fakeDrive({ device: '/dev/vda', isSystem: true, isRemovable: false, mountpoints: [{ path: '/', label: null }] });
    const e = checkDrive(sys, { includeVirtual: true, imageSize: 1 });
    assert.equal(e.eligible, false);
    assert.ok(codes(e).includes('system'));
    assert.match(e.reasons[0]!.message, /\/dev\/vda holds the running system/);
  });

  it('a removable drive carrying a system mount is still a system drive', () => {
    assert.equal(isSystemDrive(fakeDrive({ mountpoints: [{ path: '/boot/efi', label: null }] })), true);
  });

  it("a laptop's built-in SD slot is a target unless it holds a mounted system partition", () => {
    const slot = fakeDrive({ device: '/dev/mmcblk0', isSystem: true, isRemovable: false, busType: 'SD' });
    assert.equal(checkDrive(slot).eligible, true);
    const booted = { ...slot, mountpoints: [{ path: '/', label: 'rootfs' }] };
    assert.equal(checkDrive(booted).eligible, false);
  });

  it('refuses a drive without a size', () => {
    const e = checkDrive(fakeDrive({ size: null }));
    assert.deepEqual(codes(e), ['no-size']);
    assert.equal(e.eligible, false);
  });

  it('refuses a drive too small for the image, naming both sizes', () => {
    const e = checkDrive(fakeDrive({ size: 64 << 20 }), { imageSize: 100 << 20 });
    assert.deepEqual(codes(e), ['too-small']);
    assert.match(e.reasons[0]!.message, /64\.0 MiB for an image of 100 MiB/);
  });

  it("refuses the image's own drive", () => {
    const e = checkDrive(fakeDrive(), { sourceDevices: ['/dev/sdb'] });
    assert.deepEqual(codes(e), ['source']);
  });

  it('refuses a read-only (locked) card', () => {
    const e = checkDrive(fakeDrive({ isReadOnly: true }));
    assert.deepEqual(codes(e), ['read-only']);
    assert.match(e.reasons[0]!.message, /lock switch/);
  });

  it('needs an explicit confirm for a drive over 128 GB', () => {
    const e = checkDrive(fakeDrive({ size: 256e9 }));
    assert.equal(e.eligible, true);
    assert.equal(e.needsConfirm, true);
    assert.deepEqual(codes(e), ['large']);
  });

  it('warns (but allows) a mounted card: it will be unmounted', () => {
    const e = checkDrive(fakeDrive({ mountpoints: [{ path: '/media/tech/boot', label: 'boot' }] }));
    assert.equal(e.eligible, true);
    assert.deepEqual(codes(e), ['mounted']);
    assert.equal(e.reasons[0]!.severity, 'warn');
  });

  it('hides virtual block devices unless the setting is on', () => {
    const zram = fakeDrive({ device: '/dev/zram3', isVirtual: true, busType: 'VIRTUAL' });
    assert.equal(checkDrive(zram).eligible, false);
    assert.deepEqual(codes(checkDrive(zram)), ['virtual-hidden']);
    assert.equal(checkDrive(zram, { includeVirtual: true }).eligible, true);
  });

  it('gathers every reason at once', () => {
    const e = checkDrive(fakeDrive({ size: 1 << 20, isReadOnly: true }), { imageSize: 2 << 20, sourceDevices: ['/dev/sdb'] });
    assert.deepEqual(codes(e).sort(), ['read-only', 'source', 'too-small']);
  });
  it('an estimated image size (a gzip trailer) still marks a smaller card too small, worded as an estimate, in the units of the card line', () => {
    const card = fakeDrive({ device: '/dev/sdb', size: 64 * 1024 * 1024 });
    const e = checkDrive(card, { imageSize: 80 * 1024 * 1024, imageSizeIsEstimate: true });
    assert.equal(e.eligible, false);
    assert.deepEqual(codes(e), ['too-small']);
    assert.equal(e.reasons[0]!.message, '/dev/sdb is too small: 64.0 MiB for an image of ~80.0 MiB (estimated from the gzip header)');
    assert.equal(checkDrive(card, { imageSize: 60 * 1024 * 1024, imageSizeIsEstimate: true }).eligible, true);
  });

  it('a large drive is named in binary units like every other size', () => {
    assert.match(checkDrive(fakeDrive({ device: '/dev/sdc', size: 256e9 })).reasons[0]!.message, /\/dev\/sdc is large \(238 GiB\)/);
  });
});
