import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { etcher } from '../../../../src-main/services/flash/etcher.js';

const EVENTS = ['uncaughtException', 'unhandledRejection'] as const;
const counts = (): number[] => EVENTS.map((e) => process.listenerCount(e));
/** Modules of etcher-sdk's main entry and of the cloud / HTTP libraries it pulls in. */
const heavyLoaded = (): string[] =>
  Object.keys(require.cache).filter((p) => /node_modules\/(axios|@aws-sdk|aws4-axios|unzip-stream|@balena\/udif)\//.test(p) || /etcher-sdk\/build\/index\.js$/.test(p));

// One file, one process: the order matters (the writer's parts first, then the main entry on demand).
describe('etcher-sdk loading', () => {
  it('loads only the writer parts: no main entry, no cloud or HTTP library, no process handler left', () => {
    const before = counts();
    const { sdk, BlockReadStream, BlockWriteStream, createAlignedBuffer } = etcher();
    assert.equal(typeof sdk.sourceDestination.BlockDevice, 'function');
    assert.equal(typeof sdk.sourceDestination.File, 'function');
    assert.equal(typeof BlockReadStream, 'function');
    assert.equal(typeof BlockWriteStream, 'function');
    assert.equal(createAlignedBuffer(4096, 4096).length, 4096);
    assert.deepEqual(heavyLoaded(), []);
    assert.deepEqual(counts(), before);
  });

  it('another member loads the main entry on first use, its rethrowing handlers removed', () => {
    const before = counts();
    const { sdk } = etcher();
    assert.equal(typeof sdk.multiWrite.pipeSourceToDestinations, 'function');
    assert.ok(heavyLoaded().some((p) => p.endsWith('etcher-sdk/build/index.js')));
    assert.deepEqual(counts(), before);
    // sourceDestination members the deep imports do not hold come from the main entry too.
    assert.equal(typeof sdk.sourceDestination.Http, 'function');
    assert.deepEqual(counts(), before);
  });
});
