/** A long session keeps a bounded history (files, notes) and still decides like a short one. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeLog, MAX_FILES } from '../../../../src-main/core/boot/analyzer.js';

const CYCLE = "U-Boot 2023.01 (x)\r\nBOOTP broadcast 1\r\nDHCP client bound to address 192.168.152.12 (3 ms)\r\n" +
  "TFTP from server 192.168.152.1; our IP address is 192.168.152.12\r\nFilename 'fit-start.uboot'.\r\nLoading: *\r\nTFTP error: 'File not found' (1)\r\n" +
  "TFTP from server 192.168.152.1; our IP address is 192.168.152.12\r\nFilename 'start.uboot'.\r\nLoading: *\r\nTFTP error: 'File not found' (1)\r\nresetting ...\r\n";

test('a reset loop of 500 attempts keeps the latest files only and the same verdict', () => {
  const { verdict } = analyzeLog(CYCLE.repeat(500), { expectedModel: 'rpi-3-b-plus' });
  assert.equal(verdict.outcome, 'tftp-not-found');
  assert.equal(verdict.files.length, MAX_FILES);
  assert.deepEqual(verdict.files.slice(-2).map((f) => [f.name, f.status, f.cycle]), [['fit-start.uboot', 'not-found', 499], ['start.uboot', 'not-found', 499]]);
  assert.match(verdict.diagnosis, /neither fit-start\.uboot nor start\.uboot/);
  assert.equal(verdict.resets, 500);
  assert.equal(verdict.resetLoop, true);
});
