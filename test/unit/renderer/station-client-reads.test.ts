/**
 * Which station commands the page asks again after a request failed on the way (net::ERR_NETWORK_CHANGED when a link
 * changes on the technician's machine): only those that read; one that starts, writes or changes something never.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRead } from '../../../src-renderer/src/api/station-client.js';

test('reads are asked again, commands that change something never', () => {
  for (const n of ['drives.list', 'settings.get', 'flash.status', 'check.rackStatus', 'stationJob.status', 'serial.logs.read', 'serial.logs.search', 'serial.sessions', 'bench.interfaces', 'app.about', 'card.inspect', 'image.inspect']) {
    assert.equal(isRead(n), true, n);
  }
  for (const n of ['flash.start', 'flash.cancel', 'settings.set', 'check.rackStart', 'check.start', 'stationJob.arm', 'stationJob.disarm', 'slots.enroll', 'slots.forget', 'serial.open', 'serial.write', 'serial.close', 'card.build', 'card.rearm', 'catalog.download', 'bench.start', 'bench.stop']) {
    assert.equal(isRead(n), false, n);
  }
});
