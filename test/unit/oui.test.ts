import assert from 'node:assert/strict';
import { test } from 'node:test';
import { macVendor } from '../../src-main/core/net/oui.js';

test('macVendor names Raspberry Pi and QEMU OUIs, flags locally administered MACs, else null', () => {
  assert.equal(macVendor('B8:27:EB:12:34:56'), 'Raspberry Pi');
  assert.equal(macVendor('2c-cf-67-00-00-01'), 'Raspberry Pi');
  assert.equal(macVendor('52:54:00:aa:bb:cc'), 'QEMU/KVM');
  assert.equal(macVendor('02:00:00:00:00:01'), 'locally administered');
  assert.equal(macVendor('00:11:22:33:44:55'), null);
  assert.equal(macVendor('not a mac'), null);
});
