/** A refused port, disk or UDP port 67/69 names the exact fix (serial-errors.ts, flash/errors.ts, bench/udp.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bindUdp } from '../../../src-main/services/bench/udp.js';
import { explainCardError } from '../../../src-main/services/flash/errors.js';
import { describeOpenError } from '../../../src-main/services/serial/serial-errors.js';

describe('refusals name the fix', () => {
  it('a serial port refused: join dialout, with the command', () => {
    const e = describeOpenError('/dev/ttyUSB0', new Error('Error: Permission denied, cannot open /dev/ttyUSB0'));
    assert.equal(e.code, 'permission');
    assert.match(e.hint ?? '', /sudo usermod -aG dialout \$USER/);
    assert.match(e.hint ?? '', /log out and back in|newgrp dialout/);
  });

  it('a disk refused (EACCES, EPERM): root for the CLI, or the helper in the app', () => {
    for (const code of ['EACCES', 'EPERM']) {
      const e = explainCardError('/dev/sdb', null, Object.assign(new Error(code), { code }));
      assert.equal(e.code, 'permission');
      assert.match(e.message, new RegExp(`/dev/sdb: permission denied \\(${code}\\)`));
      assert.match(e.hint ?? '', /sudo walt-bench flash/);
      assert.match(e.hint ?? '', /pkexec/);
    }
  });

  it('UDP 67 refused to a normal user: root, the helper, or cap_net_bind_service', { skip: process.getuid?.() === 0 ? 'root may bind port 67' : false }, async () => {
    await assert.rejects(bindUdp(67, '127.0.0.1'), (e: { code: string; message: string; hint?: string }) => {
      assert.equal(e.code, 'permission');
      assert.match(e.message, /UDP port 67 needs privileges/);
      assert.match(e.hint ?? '', /setcap cap_net_bind_service=\+ep/);
      return true;
    });
  });
});
