import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { identityOf } from '../../../src-main/core/drives/drive.js';
import { recheckIdentity } from '../../../src-main/core/drives/identity.js';
import { fakeDrive } from '../../support/drives.js';

describe('drive identity re-check', () => {
  const selected = identityOf(fakeDrive());

  it('passes when the same card is still there', () => {
    const r = recheckIdentity(selected, [fakeDrive({ device: '/dev/sdc' }), fakeDrive()]);
    assert.equal(r.ok, true);
  });

  it('refuses a card swapped in the same slot (other size)', () => {
    const r = recheckIdentity(selected, [fakeDrive({ size: 16e9 })]);
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.message : '', /the card in \/dev\/sdb changed since you selected it \(size 32000000000 -> 16000000000\)/);
  });

  it('refuses a card with another serial number', () => {
    const r = recheckIdentity(selected, [fakeDrive({ serial: 'OTHER' })]);
    assert.match(!r.ok ? r.message : '', /serial 000000001234 -> OTHER/);
  });

  it('says when the card is gone', () => {
    const r = recheckIdentity(selected, []);
    assert.match(!r.ok ? r.message : "", /is gone: it is not in the drive list/);
  });
});
