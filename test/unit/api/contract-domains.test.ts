import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commands, DOMAINS, events, isCommandName, isEventName } from '../../../src-main/api/contract.js';
import { stationDomain } from '../../../src-main/api/domains/station.js';
import { serialDomain } from '../../../src-main/api/domains/serial.js';

// First in this file (its own process): nothing else has looked a station or serial name up yet.
test('a domain is built only when one of its names is looked up', () => {
  assert.equal(stationDomain.isBuilt(), false);
  assert.equal(serialDomain.isBuilt(), false);
  assert.ok(isCommandName('flash.start') && commands['flash.start'].input.safeParse({}).success === false);
  assert.ok(isEventName('flash.progress'));
  assert.equal(stationDomain.isBuilt(), false, 'a flash name builds no station schema');
  assert.equal(serialDomain.isBuilt(), false);
  assert.ok(isCommandName('slots.list'));
  assert.equal(stationDomain.isBuilt(), true);
  assert.equal(serialDomain.isBuilt(), false);
});

test('every name of every domain is found in the contract, as that domain\'s own object, and only once', () => {
  const seen = new Map<string, number>();
  DOMAINS.forEach((build, i) => {
    const { commands: c, events: e } = build();
    for (const [name, spec] of Object.entries(c)) {
      assert.ok(!seen.has(`c:${name}`), `${name} is in two domains`);
      seen.set(`c:${name}`, i);
      assert.ok(isCommandName(name), `${name} is a command`);
      assert.equal((commands as Record<string, unknown>)[name], spec, `${name} routes to its own domain`);
    }
    for (const [name, schema] of Object.entries(e)) {
      assert.ok(!seen.has(`e:${name}`), `${name} is in two domains`);
      seen.set(`e:${name}`, i);
      assert.ok(isEventName(name), `${name} is an event`);
      assert.equal((events as Record<string, unknown>)[name], schema, `${name} routes to its own domain`);
    }
  });
  const listed = [...Object.keys(commands).map((n) => `c:${n}`), ...Object.keys(events).map((n) => `e:${n}`)].sort();
  assert.deepEqual(listed, [...seen.keys()].sort(), 'the tables list exactly the domains\' names');
  assert.ok(listed.length > 60, `the contract has its commands and events (${listed.length})`);
});

test('names outside the contract are not found, whatever they look like', () => {
  for (const name of ['toString', '__proto__', 'constructor', 'flash', 'flash.', 'flash.nope', 'slots.list.x', '', 'hasOwnProperty', 'station.__proto__']) {
    assert.equal(isCommandName(name), false, name);
    assert.equal(isEventName(name), false, name);
    assert.equal((commands as Record<string, unknown>)[name], undefined, name);
  }
  assert.throws(() => {
    'use strict';
    (commands as Record<string, unknown>)['flash.start'] = {};
  }, TypeError);
});
