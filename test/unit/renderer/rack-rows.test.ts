/**
 * The rack table's rows: sorting by any column (IPs numerically, failures first, empty cells last both ways, ties by
 * MAC), a header clicked twice flips the order, the start file, and a board's newer row replacing its old one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextSort, sortBoards, startFileOf, upsertBoard, type RackBoardData } from '../../../src-renderer/src/views/check/rack/rack-rows.js';

type State = 'pending' | 'ok' | 'failed' | 'skipped';

function board(mac: string, o: Partial<RackBoardData> & { identity?: State } = {}): RackBoardData {
  const ids = ['dhcp', 'identity', 'fetch', 'transfer', 'run'] as const;
  return {
    mac,
    verdict: 'pending',
    model: 'rpi-4-b',
    modelSent: null,
    kind: 'walt',
    vci: null,
    uci: null,
    ip: null,
    files: [],
    checks: ids.map((id) => ({ id, title: id, state: id === 'identity' ? (o.identity ?? 'pending') : 'pending', evidence: null, at: null })),
    diagnosis: null,
    attempts: 1,
    port: null,
    firstSeenMs: 0,
    lastChangeMs: 0,
    ...o,
  };
}

const macs = (list: RackBoardData[]): string[] => list.map((b) => b.mac.slice(-2));

test('IP addresses sort as numbers, boards without one last in both directions', () => {
  const list = [board('aa:00:00:00:00:01', { ip: '10.0.0.10' }), board('aa:00:00:00:00:02', { ip: '10.0.0.9' }), board('aa:00:00:00:00:03'), board('aa:00:00:00:00:04', { ip: '10.0.1.1' })];
  assert.deepEqual(macs(sortBoards(list, { key: 'ip', dir: 'asc' })), ['02', '01', '04', '03']);
  assert.deepEqual(macs(sortBoards(list, { key: 'ip', dir: 'desc' })), ['04', '01', '02', '03']);
});

test('verdict and check columns put failures first ascending, ties keep the MAC order', () => {
  const list = [
    board('aa:00:00:00:00:03', { verdict: 'pass', identity: 'ok' }),
    board('aa:00:00:00:00:01', { verdict: 'pass', identity: 'ok' }),
    board('aa:00:00:00:00:02', { verdict: 'fail', identity: 'failed' }),
    board('aa:00:00:00:00:04', { verdict: 'pending' }),
  ];
  assert.deepEqual(macs(sortBoards(list, { key: 'verdict', dir: 'asc' })), ['02', '04', '01', '03']);
  assert.deepEqual(macs(sortBoards(list, { key: 'verdict', dir: 'desc' })), ['01', '03', '04', '02']);
  assert.deepEqual(macs(sortBoards(list, { key: 'identity', dir: 'asc' })), ['02', '04', '01', '03']);
  assert.deepEqual(macs(sortBoards(list, { key: 'mac', dir: 'desc' })), ['04', '03', '02', '01']);
  // the input is not reordered
  assert.deepEqual(macs(list), ['03', '01', '02', '04']);
});

test('a header clicked twice flips the order, another header starts ascending', () => {
  assert.deepEqual(nextSort({ key: 'mac', dir: 'asc' }, 'mac'), { key: 'mac', dir: 'desc' });
  assert.deepEqual(nextSort({ key: 'mac', dir: 'desc' }, 'mac'), { key: 'mac', dir: 'asc' });
  assert.deepEqual(nextSort({ key: 'mac', dir: 'desc' }, 'attempts'), { key: 'attempts', dir: 'asc' });
});

test('the start file is the last file fetched whole, else the last asked for', () => {
  const files = [
    { name: 'fit-start.uboot', result: 'not-found' as const, bytes: null },
    { name: 'start.uboot', result: 'complete' as const, bytes: 236 },
    { name: 'other', result: 'started' as const, bytes: null },
  ];
  assert.equal(startFileOf(board('aa:00:00:00:00:01', { files })), 'start.uboot');
  assert.equal(startFileOf(board('aa:00:00:00:00:01', { files: files.slice(0, 1) })), 'fit-start.uboot');
  assert.equal(startFileOf(board('aa:00:00:00:00:01')), null);
});

test('a board event replaces its row by MAC, a new MAC is added at the end', () => {
  const list = [board('aa:00:00:00:00:01'), board('aa:00:00:00:00:02')];
  const next = upsertBoard(list, board('aa:00:00:00:00:01', { verdict: 'pass' }));
  assert.deepEqual(next.map((b) => b.verdict), ['pass', 'pending']);
  assert.equal(list[0]!.verdict, 'pending', 'the old list is left as it was');
  assert.deepEqual(macs(upsertBoard(next, board('aa:00:00:00:00:09'))), ['01', '02', '09']);
});
