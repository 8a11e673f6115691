/**
 * The Station view's job rules: the size limit typed in GB becomes bytes, never above the station's setting (capped,
 * and said so), an unreadable entry falls back to the setting; a job belongs to the page whose label the station
 * shows in armedBy, and the desktop app (no page id) owns its jobs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StationJobData } from '../../../src-main/api/contract.js';
import { bytesToGb, isOwnJob, sizeLimitBytes } from '../../../src-renderer/src/views/station/job-rules.js';

const SETTING = 128e9;

test('the size limit in GB: typed values in bytes, capped at the setting, unreadable ones fall back to it', () => {
  assert.deepEqual(sizeLimitBytes('32', SETTING), { bytes: 32e9, capped: false, valid: true });
  assert.deepEqual(sizeLimitBytes('0.57', SETTING), { bytes: 570_000_000, capped: false, valid: true }, 'no float rounding down');
  assert.deepEqual(sizeLimitBytes('128', SETTING), { bytes: SETTING, capped: false, valid: true });
  assert.deepEqual(sizeLimitBytes('128.5', SETTING), { bytes: SETTING, capped: true, valid: true });
  assert.deepEqual(sizeLimitBytes('1e6', SETTING), { bytes: SETTING, capped: true, valid: true });
  for (const bad of ['', ' ', '0', '-4', 'abc', 'Infinity']) assert.deepEqual(sizeLimitBytes(bad, SETTING), { bytes: SETTING, capped: false, valid: false }, bad);
  assert.equal(bytesToGb(SETTING), '128');
  assert.equal(bytesToGb(20_000_000), '0.02');
  assert.equal(bytesToGb(31_914_983_424), '31.915');
});

test('a job is this page\'s when the station shows it with this page\'s label', () => {
  const job = (armedBy: string) => ({ armedBy }) as StationJobData;
  assert.equal(isOwnJob(job('station 127.0.0.1 #a1b2c3'), 'station 127.0.0.1 #a1b2c3'), true);
  assert.equal(isOwnJob(job('station 127.0.0.1 #a1b2c3'), 'station 127.0.0.1 #ffffff'), false);
  assert.equal(isOwnJob(job('station 127.0.0.1 #a1b2c3'), 'station 10.0.0.2 #a1b2c3'), false, 'another machine');
  assert.equal(isOwnJob(job('station 127.0.0.1 #a1b2c3'), ''), false, 'a page whose label the station has not given yet owns nothing');
  assert.equal(isOwnJob(job('desktop'), undefined), true, 'the desktop app is one client');
});
