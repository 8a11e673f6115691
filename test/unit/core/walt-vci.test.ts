import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectedStartFiles, identify, judgeIdentity, modelOf } from '../../../src-main/core/walt/vci.js';

describe('WalT vendor and user classes', () => {
  it('takes the model after walt.node., any string (new boards too)', () => {
    assert.equal(modelOf('walt.node.rpi-4-b'), 'rpi-4-b');
    assert.equal(modelOf('walt.node.my-new-riscv-board'), 'my-new-riscv-board');
    assert.equal(modelOf('walt.node.'), null);
    assert.equal(modelOf('PXEClient:Arch:00000:UNDI:002001'), null);
  });

  it('prefers a walt user class over the vendor class, as the WalT server does', () => {
    const id = identify('PXEClient:Arch:00000:UNDI:002001', ['walt.node.pc-x86-64'], '52:54:00:65:43:21');
    assert.deepEqual(id, { source: 'uci', value: 'walt.node.pc-x86-64', model: 'pc-x86-64', kind: 'walt' });
    assert.equal(judgeIdentity(id, 'pc-x86-64').ok, true);
  });

  it('explains each classic wrong identity', () => {
    const mac = '52:54:00:12:34:56';
    const cases: [string | undefined, string, RegExp][] = [
      ['walt.node.rpi-3-b', 'rpi-4-b', /for rpi-3-b, not rpi-4-b/],
      ['walt.node.rpi-cm4.dtb', 'rpi-4-b', /device-tree file it does not know \(rpi-cm4\.dtb\)/],
      ['U-Boot.armv8', 'rpi-4-b', /U-Boot's default, so bootp_vci is unset/],
      ['PXEClient:Arch:00000:UNDI:002001', 'pc-x86-64', /firmware PXE ROM, not WalT's iPXE/],
      [undefined, 'rpi-4-b', /neither a vendor nor a user class/],
    ];
    for (const [vci, expected, why] of cases) {
      const v = judgeIdentity(identify(vci, undefined, mac), expected);
      assert.equal(v.ok, false);
      assert.match(v.explanation, why);
    }
    const pi = judgeIdentity(identify('PXEClient:Arch:00000:UNDI:002001', undefined, 'dc:a6:32:01:02:03'), 'rpi-4-b');
    assert.match(pi.explanation, /EEPROM firmware network-booting; walt\.node\.rpi-4-b appears once U-Boot runs/);
  });

  it('knows which start files each family fetches', () => {
    assert.deepEqual(expectedStartFiles('rpi-4-b'), ['fit-start.uboot', 'start.uboot']);
    assert.deepEqual(expectedStartFiles('pc-x86-32'), ['start.ipxe']);
    assert.deepEqual(expectedStartFiles('nanopi-r5c'), ['fit-start.uboot', 'start.uboot']);
  });
});
