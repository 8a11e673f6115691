/**
 * The warm-ups run at a rack check's start: a throwaway DHCP server and rack tracker go through one board's boot, so
 * the first real board's packets meet compiled code. They must really run the path (an answer, board events) and
 * leave nothing behind in the real ones.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { warmRackTracker } from '../../../src-main/core/check/rack-warm-up.js';
import { RackTracker } from '../../../src-main/core/check/rack-tracker.js';
import { BenchDhcp } from '../../../src-main/core/net/dhcp-reply.js';
import { decodeDhcp, encodeDhcp } from '../../../src-main/core/net/dhcp.js';
import { warmDhcpPath } from '../../../src-main/core/net/dhcp-warm-up.js';
import { BENCH_DHCP_CONFIG } from '../../support/bench-dhcp.js';

test('the DHCP warm-up goes through DISCOVER -> OFFER and REQUEST -> ACK, and the real server still offers its first address', () => {
  const real = new BenchDhcp(BENCH_DHCP_CONFIG);
  assert.equal(warmDhcpPath(BENCH_DHCP_CONFIG), BENCH_DHCP_CONFIG.rangeStart);
  const p = decodeDhcp(encodeDhcp({ op: 'request', xid: 9, chaddr: '02:5a:00:00:00:01', broadcast: true, options: { messageType: 'DISCOVER', vendorClass: 'walt.node.rpi-4-b' } }));
  const d = real.decide(p, 0);
  assert.ok(d.answer);
  assert.equal(d.reply.yiaddr, BENCH_DHCP_CONFIG.rangeStart, 'the warm-up took no lease of the real server');
});

test('the rack warm-up runs a board to its verdict events, with the options of a map; the real tracker has no board of it', () => {
  const options = { expect: { kind: 'map' as const, map: { '02:5a:00:00:00:01': 'rpi-4-b' } }, serving: 'probe' as const, ports: [] };
  const real = new RackTracker(options);
  const events = warmRackTracker(options);
  assert.ok(events >= 4, `board-appeared and the checks changing (${events} events)`);
  assert.deepEqual(real.boards(), [], 'the real tracker saw nothing of it');
  assert.ok(warmRackTracker({ ...options, expect: { kind: 'model', model: 'rpi-4-b' } }) >= 4, 'one model for all');
  assert.ok(warmRackTracker({ ...options, expect: { kind: 'any' } }) >= 4, 'any walt.node.*');
  assert.ok(warmRackTracker({ ...options, expect: { kind: 'map', map: {} } }) >= 1, 'an empty map: the board is listed');
});
