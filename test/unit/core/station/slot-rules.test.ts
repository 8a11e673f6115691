import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ownerOf, sizeLimitOf } from '../../../../src-main/core/station/slot-owners.js';
import { announce, cardCounts, driveInSlot, holdCard, mayStartCard, nextPhase, phaseAtArm, slotOfDrive, stillHeld } from '../../../../src-main/core/station/slot-rules.js';
import { fakeDrive } from '../../../support/drives.js';

const rules = { sizeLimit: 128e9 };
const GB = 1e9;

describe('station slot rules', () => {
  it('a slot is the by-path name; a virtual drive is a slot by its device only when virtual drives are on', () => {
    const usb = fakeDrive({ device: '/dev/sdb', devicePath: '/dev/disk/by-path/pci-0000:00:14.0-usb-0:1:1.0-scsi-0:0:0:2' });
    assert.equal(slotOfDrive(usb, false), usb.devicePath);
    const zram = fakeDrive({ device: '/dev/zram3', devicePath: null, isVirtual: true });
    assert.equal(slotOfDrive(zram, false), null);
    assert.equal(slotOfDrive(zram, true), '/dev/zram3');
    assert.equal(slotOfDrive(fakeDrive({ device: '/dev/sdc', devicePath: null }), true), null);
    assert.equal(driveInSlot(usb.devicePath!, [zram, usb], true)?.device, '/dev/sdb');
  });

  it('a card present at arm time is never written, even after other cards come and go', () => {
    const card = fakeDrive({ size: 8 * GB });
    assert.equal(phaseAtArm(card), 'present-at-arm');
    assert.deepEqual(nextPhase('present-at-arm', card, rules), { phase: 'present-at-arm', action: { kind: 'none' } });
    // Pulled (no size) then a new card: written.
    const empty = fakeDrive({ size: null });
    assert.equal(nextPhase('present-at-arm', empty, rules).phase, 'waiting');
    assert.equal(nextPhase('waiting', card, rules).action.kind, 'write');
    assert.equal(phaseAtArm(empty), 'waiting');
    assert.equal(phaseAtArm(null), 'unplugged');
  });

  it('never a system drive, a read-only one, a mounted one or one over the size limit', () => {
    for (const [drive, why] of [
      [fakeDrive({ size: 8 * GB, isSystem: true }), /system/],
      [fakeDrive({ size: 8 * GB, isReadOnly: true }), /read-only/],
      [fakeDrive({ size: 8 * GB, mountpoints: [{ path: '/media/x', label: null }] }), /mounted/],
      [fakeDrive({ size: 129 * GB }), /over the job's size limit/],
    ] as const) {
      const next = nextPhase('waiting', drive, rules);
      assert.equal(next.phase, 'refused');
      assert.ok(next.action.kind === 'refuse' && why.test(next.action.reason), JSON.stringify(next.action));
    }
    assert.equal(nextPhase('waiting', fakeDrive({ size: 129 * GB }), { sizeLimit: 256 * GB }).action.kind, 'write');
  });

  it('a slot whose card was not removed is not written again; a busy slot stays busy', () => {
    const card = fakeDrive({ size: 8 * GB });
    for (const phase of ['done', 'failed', 'refused'] as const) assert.deepEqual(nextPhase(phase, card, rules), { phase, action: { kind: 'none' } });
    assert.equal(nextPhase('done', fakeDrive({ size: null }), rules).phase, 'waiting');
    assert.equal(nextPhase('busy', null, rules).phase, 'busy');
    assert.equal(nextPhase('done', null, rules).phase, 'unplugged');
  });

  it('counts only good cards and never starts more than the count needs', () => {
    assert.equal(cardCounts({ ok: true, verified: true }, true), true);
    assert.equal(cardCounts({ ok: true, verified: false }, true), false);
    assert.equal(cardCounts({ ok: true, verified: false }, false), true);
    assert.equal(cardCounts({ ok: false, verified: false }, false), false);
    assert.equal(mayStartCard(3, 2, 1), false);
    assert.equal(mayStartCard(3, 1, 1), true);
    assert.equal(mayStartCard(null, 100, 4), true);
    assert.equal(announce(3, { ok: true, number: 7, count: 20 }), 'slot 3: card 7 of 20 done, remove it');
    assert.equal(announce(1, { ok: true, number: 7, count: null }), 'slot 1: card 7 done, remove it');
    assert.match(announce(2, { ok: false, error: 'EIO' }), /^slot 2: card FAILED \(not counted\): EIO/);
  });
});

describe('held cards and slot owners', () => {
  it('a held card is kept while its device vanishes, released by a removal or a different card', () => {
    const card = fakeDrive({ size: 8e9, serial: 'S1' });
    const held = holdCard('present-at-arm', card)!;
    assert.equal(held.phase, 'present-at-arm');
    assert.equal(holdCard('waiting', card), null);
    assert.equal(stillHeld(held, null), held, 'vanished: still held');
    assert.equal(stillHeld(held, card), held, 'same card');
    assert.equal(stillHeld(held, fakeDrive({ size: null })), null, 'seen without a size: pulled');
    assert.equal(stillHeld(held, fakeDrive({ size: 8e9, serial: 'S2' })), null, 'another card');
  });

  it('a client may lower the size limit, never raise it; a job owns its slots, a draining one only the listed ones', () => {
    assert.deepEqual(sizeLimitOf(undefined, 100), { ok: true, limit: 100 });
    assert.deepEqual(sizeLimitOf(50, 100), { ok: true, limit: 50 });
    assert.equal(sizeLimitOf(101, 100).ok, false);
    const armed = { jobId: 'a', slots: ['/dev/s1', '/dev/s2'], armedBy: 'x' };
    const draining = { jobId: 'd', slots: ['/dev/s3', '/dev/s4'], owned: ['/dev/s4'], armedBy: 'y' };
    assert.equal(ownerOf('/dev/s2', [armed, draining])?.jobId, 'a');
    assert.equal(ownerOf('/dev/s3', [armed, draining]), null);
    assert.equal(ownerOf('/dev/s4', [armed, draining])?.jobId, 'd');
  });
});
