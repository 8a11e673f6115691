import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Dispatcher, eventChecksWanted, type Handlers } from '../../../src-main/api/dispatcher.js';
import { ApiError } from '../../../src-main/api/errors.js';
import { DEFAULT_SETTINGS } from '../../../src-main/services/settings/settings.js';

const notUsed = async (): Promise<never> => {
  throw new Error('not used');
};

function handlers(over: Partial<Handlers>): Handlers {
  const all = {} as Record<string, unknown>;
  for (const name of ['app.info', 'drives.list', 'image.inspect', 'fs.list', 'flash.start', 'flash.add', 'flash.cancel', 'flash.status', 'journal.list', 'settings.get', 'settings.set']) {
    all[name] = notUsed;
  }
  return { ...(all as Handlers), ...over };
}

// The same checks with zod's compiled parsers (a server) and without them (jitless: a one-shot CLI command).
for (const jitless of [false, true]) describe(`dispatcher (validation at the edge${jitless ? ', jitless' : ''})`, () => {
  const d = new Dispatcher(
    handlers({
      'settings.get': async () => ({ ...DEFAULT_SETTINGS }),
      'flash.start': async (input) => {
        throw new ApiError('refused', `would flash ${input.drives.length} (verify ${input.verify})`);
      },
      'journal.list': async () => ({ records: [{ nonsense: true }], skippedLines: [] }) as never,
    }),
    { jitless },
  );

  it('runs a valid command', async () => {
    assert.deepEqual(await d.dispatch('settings.get', {}), { ...DEFAULT_SETTINGS });
  });

  it('refuses an unknown command and prototype keys', async () => {
    await assert.rejects(d.dispatch('rm -rf', {}), (e: ApiError) => e.code === 'unknown-command');
    await assert.rejects(d.dispatch('__proto__', {}), (e: ApiError) => e.code === 'unknown-command');
    await assert.rejects(d.dispatch('toString', {}), (e: ApiError) => e.code === 'unknown-command');
  });

  it('refuses bad input, naming the field', async () => {
    await assert.rejects(
      d.dispatch('flash.start', { image: 'relative.img', drives: [] }),
      (e: ApiError) => e.code === 'bad-request' && /flash\.start: image: an absolute path/.test(e.message),
    );
    await assert.rejects(
      d.dispatch('flash.start', { image: '/x.img', drives: [{ device: '/dev/sdb; rm', size: 1, description: '', serial: null }] }),
      (e: ApiError) => e.code === 'bad-request' && /drives\.0\.device/.test(e.message),
    );
  });

  it('applies defaults (verify on) before the handler runs', async () => {
    await assert.rejects(
      d.dispatch('flash.start', { image: '/x.img', drives: [{ device: '/dev/sdb', size: 1, description: '', serial: null }] }),
      /would flash 1 \(verify true\)/,
    );
  });

  it('never lets a malformed output leave', async () => {
    await assert.rejects(d.dispatch('journal.list', {}));
  });

  it('delivers events to every subscriber and survives a broken one', () => {
    const seen: string[] = [];
    const off1 = d.subscribe(() => {
      throw new Error('closed socket');
    });
    const off2 = d.subscribe((m) => seen.push(m.event));
    d.emit('flash.done', { sessionId: 's', results: [] });
    off1();
    off2();
    d.emit('flash.done', { sessionId: 's', results: [] });
    assert.deepEqual(seen, ['flash.done']);
  });

  const sighting = {
    at: 1, time: '2026-01-01T00:00:00.000Z', mac: '02:00:00:00:00:01', xid: 7, type: 'DISCOVER', direction: 'client' as const,
    vendorClass: 'walt.node.rpi-4-b', userClass: null, clientArch: null, requestedOptions: null, hostname: null, serverId: null,
    yourIp: null, nextServer: null, bootFile: null, answered: true, reason: 'answered with OFFER', model: 'rpi-4-b',
  };

  it('checks every emitted event against the contract by default (tests): malformed or carrying extra keys, it never leaves', () => {
    const seen: unknown[] = [];
    const off = d.subscribe((m) => seen.push(m.payload));
    d.emit('bench.dhcp', sighting);
    assert.throws(() => d.emit('bench.dhcp', { ...sighting, xid: 'seven' } as never), /event bench\.dhcp does not match the contract: xid/);
    assert.throws(() => d.emit('bench.dhcp', { ...sighting, secret: 'internal state' } as never), /bench\.dhcp carries keys or values its schema strips/);
    off();
    assert.deepEqual(seen, [sighting]);
  });

  it('with checkEvents off (a running backend), delivers the payload itself, unparsed', () => {
    const fast = new Dispatcher(handlers({}), { checkEvents: false });
    const seen: unknown[] = [];
    fast.subscribe((m) => seen.push(m.payload));
    fast.emit('bench.dhcp', sighting);
    assert.equal(seen[0], sighting);
  });

  it('wants event checks under node --test or when asked, not in a running backend', () => {
    assert.equal(eventChecksWanted(process.env), true, 'this test runs under node --test');
    assert.equal(eventChecksWanted({}), false);
    assert.equal(eventChecksWanted({ WALT_BENCH_CHECK_EVENTS: '1' }), true);
    assert.equal(eventChecksWanted({ NODE_TEST_CONTEXT: 'child-v8', WALT_BENCH_CHECK_EVENTS: '0' }), false);
  });
});
