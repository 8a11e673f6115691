/**
 * The lab station's pieces that need no network: the token kept in station-tls/token (0600, dir 0700) until
 * rotated, the caller name the station writes into station commands' `client` (whatever the body said), and the
 * Station view's CSV export (quoted cells, formula-like cells neutralised).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateToken } from '../../src-main/transports/station/station-token.js';
import { callerOf, withClient } from '../../src-main/transports/station/station-server.js';
import { ClientIds } from '../../src-main/transports/station/client-ids.js';
import { cardsToCsv } from '../../src-renderer/src/views/station/export-cards.js';
import type { StationCardData } from '../../src-main/api/contract.js';

const req = (remoteAddress: string, headers: Record<string, string>): IncomingMessage =>
  ({ headers, socket: { remoteAddress } }) as unknown as IncomingMessage;

describe('lab station token', () => {
  it('is made once, kept, and replaced by rotate; file 0600 in a 0700 directory', async () => {
    const home = mkdtempSync(join(tmpdir(), 'stui-token-'));
    try {
      const dir = join(home, 'station-tls');
      const first = await loadOrCreateToken(dir, false);
      assert.equal(first.origin, 'new');
      assert.match(first.token, /^[0-9a-f]{48}$/);
      assert.equal(statSync(join(dir, 'token')).mode & 0o777, 0o600);
      assert.equal(statSync(dir).mode & 0o777, 0o700);
      const again = await loadOrCreateToken(dir, false);
      assert.deepEqual(again, { token: first.token, origin: 'kept' });
      const rotated = await loadOrCreateToken(dir, true);
      assert.equal(rotated.origin, 'rotated');
      assert.notEqual(rotated.token, first.token);
      assert.equal(readFileSync(join(dir, 'token'), 'utf8').trim(), rotated.token);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('station caller identity', () => {
  it('names the remote address and the page id it was issued, and overwrites the client a body claims', () => {
    const ids = new ClientIds();
    const id = ids.issue('192.168.157.2');
    const r = req('192.168.157.2', { 'x-walt-client': id });
    assert.equal(callerOf(r, ids), `station 192.168.157.2 ${id}`);
    assert.equal(callerOf(req('192.168.157.2', { 'x-walt-client': 'page-abc123' }), ids), 'station 192.168.157.2 anon', 'an id the page picked itself');
    assert.equal(callerOf(req('10.0.0.1', { 'x-walt-client': 'bad id; rm' }), ids), 'station 10.0.0.1 anon');
    assert.deepEqual(withClient('stationJob.arm', { slots: [], client: 'desktop' }, r, ids), { slots: [], client: `station 192.168.157.2 ${id}` });
    assert.deepEqual(withClient('slots.enroll', { slot: '/dev/zram3' }, r, ids), { slot: '/dev/zram3', client: `station 192.168.157.2 ${id}` });
    assert.deepEqual(withClient('drives.list', { client: 'x' }, r, ids), { client: 'x' }, 'other commands are left as sent');
    assert.deepEqual(withClient('stationJob.status', {}, r, ids), {});
  });
  it('GET /api/session keeps the id a page holds from its own address, and issues a new one otherwise', () => {
    const ids = new ClientIds();
    const id = ids.sessionOf(req('192.168.157.2', {}));
    assert.equal(ids.sessionOf(req('192.168.157.2', { 'x-walt-client': id })), id, 'a reload stays the same client');
    assert.notEqual(ids.sessionOf(req('192.168.157.3', { 'x-walt-client': id })), id, 'another machine never gets it');
    assert.notEqual(ids.sessionOf(req('192.168.157.2', { 'x-walt-client': `c-${'2'.repeat(24)}` })), `c-${'2'.repeat(24)}`, 'never issued here');
  });
});

describe('station-issued page ids', () => {
  it('takes an issued id only from the address it was issued to; an id of the issued form it never issued is anonymous', () => {
    const ids = new ClientIds();
    const id = ids.issue('192.168.157.2');
    assert.match(id, /^c-[0-9a-f]{24}$/);
    assert.notEqual(ids.issue('192.168.157.2'), id, 'one id per page');
    assert.equal(ids.callerOf(req('192.168.157.2', { 'x-walt-client': id })), `station 192.168.157.2 ${id}`);
    assert.equal(ids.callerOf(req('192.168.157.9', { 'x-walt-client': id })), 'station 192.168.157.9 anon', 'copied to another machine');
    assert.equal(ids.callerOf(req('192.168.157.2', { 'x-walt-client': `c-${'1'.repeat(24)}` })), 'station 192.168.157.2 anon', 'never issued');
    assert.deepEqual(withClient('stationJob.disarm', { jobId: 'j' }, req('192.168.157.2', { 'x-walt-client': id }), ids), { jobId: 'j', client: `station 192.168.157.2 ${id}` });
  });
});

describe('station table CSV', () => {
  it('has a header and one line per card, quoting commas and neutralising formulas', () => {
    const card: StationCardData = {
      seq: 1, number: 1, slot: '/dev/zram3', device: '/dev/zram3', size: 8, serial: '=HYPERLINK("x")', description: 'zram, virtual',
      result: 'ok', error: null, startedAt: '2026-12-03T10:00:00.000Z', durationMs: 300, bytes: 8, speed: 26, verified: true, ejected: false,
    };
    const lines = cardsToCsv([card]).split('\r\n');
    assert.equal(lines[0], 'seq,number,slot,device,size,serial,description,result,error,startedAt,durationMs,bytes,speed,verified,ejected');
    assert.equal(lines[1], `1,1,/dev/zram3,/dev/zram3,8,"'=HYPERLINK(""x"")","zram, virtual",ok,,2026-12-03T10:00:00.000Z,300,8,26,true,false`);
    assert.equal(lines[2], '');
  });
});
