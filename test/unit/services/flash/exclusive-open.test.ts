import assert from 'node:assert/strict';
import type { FileHandle } from 'node:fs/promises';
import { describe, it } from 'node:test';
import type { ApiError } from '../../../../src-main/api/errors.js';
import type { DeviceHolder } from '../../../../src-main/services/flash/device-holders.js';
import { CancelledError } from '../../../../src-main/services/flash/errors.js';
import { BUSY_WINDOW_MS, type ExclusiveOpenDeps, openExclusive } from '../../../../src-main/services/flash/exclusive-open.js';

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code });

/** A fake clock and device: `results` are what each open attempt gives. */
function fakes(results: (string | 'ok')[], holders: DeviceHolder[] = []) {
  let t = 0;
  const calls = { open: 0, sleep: 0, closed: 0 };
  const handle = { close: async () => void (calls.closed += 1) } as unknown as FileHandle;
  const deps: ExclusiveOpenDeps = {
    open: async () => {
      const r = results[Math.min(calls.open, results.length - 1)]!;
      calls.open += 1;
      if (r === 'ok') return handle;
      throw errno(r);
    },
    findHolders: async () => holders,
    now: () => t,
    sleep: async (ms) => {
      calls.sleep += 1;
      t += ms;
    },
  };
  return { deps, calls, handle };
}

describe('opening a card exclusively', () => {
  it('refuses at the first EBUSY when a holder is known, naming its PID and program', async () => {
    const { deps, calls } = fakes(['EBUSY'], [{ kind: 'process', pid: 4242, program: 'node walt-bench.js', path: '/dev/sdb' }]);
    await assert.rejects(openExclusive('/dev/sdb', 0, new AbortController().signal, deps), (e: ApiError) => {
      assert.equal(e.code, 'refused');
      assert.equal(e.message, '/dev/sdb is busy (EBUSY): held by PID 4242 (node walt-bench.js); nothing was written');
      assert.match(e.hint!, /kill 4242/);
      return true;
    });
    assert.deepEqual([calls.open, calls.sleep], [1, 0]);
  });

  it('retries an EBUSY with no holder in sight for under a second, then refuses', async () => {
    const { deps, calls } = fakes(['EBUSY']);
    await assert.rejects(openExclusive('/dev/sdb', 0, new AbortController().signal, deps), /held exclusively by a program walt-bench cannot see/);
    assert.ok(calls.open > 1 && calls.open <= BUSY_WINDOW_MS / 100 + 1, `${calls.open} tries`);
  });

  it('opens once a transient EBUSY clears', async () => {
    const { deps, handle } = fakes(['EBUSY', 'EBUSY', 'ok']);
    assert.equal(await openExclusive('/dev/sdb', 0, new AbortController().signal, deps), handle);
  });

  it('stops retrying when cancelled, and never keeps a handle opened after the cancel', async () => {
    const abort = new AbortController();
    const { deps, calls } = fakes(['EBUSY']);
    deps.sleep = async () => abort.abort();
    await assert.rejects(openExclusive('/dev/sdb', 0, abort.signal, deps), CancelledError);
    assert.equal(calls.open, 1);
    const late = new AbortController();
    const f = fakes(['ok']);
    const open = f.deps.open;
    f.deps.open = async (p, fl) => {
      const h = await open(p, fl);
      late.abort();
      return h;
    };
    await assert.rejects(openExclusive('/dev/sdb', 0, late.signal, f.deps), CancelledError);
    assert.equal(f.calls.closed, 1);
  });

  it('passes other errors through untouched', async () => {
    const { deps } = fakes(['EACCES']);
    await assert.rejects(openExclusive('/dev/sdb', 0, new AbortController().signal, deps), (e: NodeJS.ErrnoException) => e.code === 'EACCES');
  });
});
