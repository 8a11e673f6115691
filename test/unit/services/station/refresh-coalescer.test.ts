import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RefreshCoalescer } from '../../../../src-main/services/station/refresh-coalescer.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('refresh coalescer', () => {
  it('folds a burst into one refresh, asks for one more when events arrive during it, and is not starved by a steady stream', async () => {
    let runs = 0;
    let running = false;
    const c = new RefreshCoalescer(async () => {
      assert.ok(!running, 'never two refreshes at once');
      running = true;
      runs += 1;
      await sleep(20);
      running = false;
    });
    for (let i = 0; i < 5; i += 1) c.request();
    await sleep(60);
    assert.equal(runs, 1, 'one burst, one refresh');
    // Events during a refresh: exactly one more after it.
    c.request();
    await sleep(25);
    for (let i = 0; i < 5; i += 1) c.request();
    await sleep(100);
    assert.equal(runs, 3);
    // A steady stream (every 5 ms for 300 ms) still refreshes: at most maxWaitMs after the first event.
    runs = 0;
    const end = Date.now() + 300;
    while (Date.now() < end) {
      c.request();
      await sleep(5);
    }
    c.stop();
    assert.ok(runs >= 3, `refreshed ${runs} times during the stream`);
  });
});
