import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commands, type EventMessage } from '../../../src-main/api/contract.js';
import { ApiError } from '../../../src-main/api/errors.js';
import { type ApiPort, HELPER_COMMANDS, refuseOutsideHelper, routedPort } from '../../../src-main/transports/helper/helper-commands.js';

/** A fake side that records what it was asked and can push events. */
function fakeSide(tag: string) {
  const asked: string[] = [];
  const sinks = new Set<(m: EventMessage) => void>();
  const port: ApiPort = {
    dispatch: async (name) => {
      asked.push(name);
      return tag;
    },
    subscribe: (sink) => {
      sinks.add(sink);
      return () => sinks.delete(sink);
    },
    close: async () => undefined,
  };
  return { port, asked, push: (m: EventMessage) => sinks.forEach((s) => s(m)) };
}

test('the helper runs no command that needs no root: files, consoles, logs, image files, the catalog', () => {
  for (const name of ['fs.list', 'serial.open', 'serial.write', 'serial.analyze', 'serial.logs.export', 'card.build', 'catalog.get', 'catalog.download', 'catalog.add-local'] as const) {
    assert.ok(!HELPER_COMMANDS.has(name), name);
    assert.throws(() => refuseOutsideHelper(name), (e: unknown) => e instanceof ApiError && e.code === 'refused');
  }
  for (const name of HELPER_COMMANDS) assert.ok(name in commands, `${name} is a command of the contract`);
  assert.doesNotThrow(() => refuseOutsideHelper('drives.format'), 'unknown names stay for the dispatcher (unknown-command)');
});

test('routedPort: helper commands to the helper, the rest to the unprivileged side, events from both', async () => {
  const helper = fakeSide('helper');
  const local = fakeSide('local');
  const port = routedPort(helper.port, local.port);
  assert.equal(await port.dispatch('flash.start', {}), 'helper');
  assert.equal(await port.dispatch('card.rearm', {}), 'helper');
  assert.equal(await port.dispatch('fs.list', {}), 'local');
  assert.equal(await port.dispatch('serial.open', {}), 'local');
  assert.equal(await port.dispatch('nope', {}), 'local');
  assert.deepEqual([helper.asked, local.asked], [['flash.start', 'card.rearm'], ['fs.list', 'serial.open', 'nope']]);
  const seen: string[] = [];
  const off = port.subscribe((m) => seen.push(m.event));
  helper.push({ event: 'bench.status', payload: { message: 'x' } });
  local.push({ event: 'catalog.progress', payload: { artifact: 'a', bytes: 1, total: null } });
  off();
  helper.push({ event: 'bench.status', payload: { message: 'y' } });
  assert.deepEqual(seen, ['bench.status', 'catalog.progress']);
});
