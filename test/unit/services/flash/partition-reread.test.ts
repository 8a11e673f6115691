import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rereadDone, rereadPartitions, rereadsDone } from '../../../../src-main/services/flash/partition-reread.js';

/** Whether a promise is still pending after the current tasks ran. */
async function pending(p: Promise<void>): Promise<boolean> {
  let settled = false;
  void p.then(() => (settled = true));
  await new Promise((resolve) => setImmediate(resolve));
  return !settled;
}

test('a reread is waited for by the next open of its device and by the close, and its failure is ignored', async () => {
  const device = '/dev/walt-bench-card';
  assert.equal(await pending(rereadDone(device)), false, 'no reread: nothing to wait for');
  let fail!: (e: Error) => void;
  rereadPartitions(device, () => new Promise((_, reject) => (fail = reject)));
  assert.equal(await pending(rereadDone(device)), true, 'an open of the card waits for the reread');
  assert.equal(await pending(rereadDone('/dev/walt-bench-other-card')), false, 'another card does not wait');
  assert.equal(await pending(rereadsDone()), true, 'the backend close waits for it');
  fail(new Error('blockdev: EINVAL'));
  await rereadsDone();
  assert.equal(await pending(rereadDone(device)), false, 'once ended (failed: ignored), forgotten');
});

test('the real reread (blockdev) of a device that does not exist ends, its failure ignored', async () => {
  rereadPartitions('/dev/walt-bench-no-such-card');
  await rereadsDone();
  assert.equal(await pending(rereadDone('/dev/walt-bench-no-such-card')), false);
});
