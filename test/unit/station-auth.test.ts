/**
 * The station's pure checks (src-main/transports/station/host-check.ts, auth.ts, the CLI's --max-upload, the page's
 * fragment token): which Host and Origin headers name the station, where a token may come from.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { parseUploadSize } from '../../src-main/cli/commands/station.js';
import { isAuthorized, tokenOf } from '../../src-main/transports/station/auth.js';
import { allowedHostNames, hostAllowed, isLoopbackHost, originAllowed, type StationIdentity } from '../../src-main/transports/station/host-check.js';
import { tokenFromFragment } from '../../src-renderer/src/api/token.js';

const req = (headers: Record<string, string>): IncomingMessage => ({ headers }) as unknown as IncomingMessage;
const id: StationIdentity = { scheme: 'http', port: 8717, names: allowedHostNames('127.0.0.1') };
const TOKEN = 'ab'.repeat(24);

describe('station Host and Origin checks', () => {
  it('takes 127.0.0.1, localhost and [::1] on its own port, nothing else', () => {
    for (const host of ['127.0.0.1:8717', 'localhost:8717', 'LOCALHOST:8717', '[::1]:8717']) assert.ok(hostAllowed(req({ host }), id), host);
    for (const host of ['evil.example:8717', 'evil.example', '127.0.0.1:9998', '127.0.0.1', 'a@127.0.0.1:8717', '127.0.0.1:8717/x', '', '127.0.0.2:8717']) {
      assert.ok(!hostAllowed(req({ host }), id), host);
    }
    assert.ok(!hostAllowed(req({}), id), 'no Host header');
  });

  it('takes the configured host, and for a wildcard bind only this machine’s names', () => {
    const lab: StationIdentity = { scheme: 'https', port: 443, names: allowedHostNames('192.168.152.1', ['bench.lab']) };
    assert.ok(hostAllowed(req({ host: '192.168.152.1' }), lab));
    assert.ok(hostAllowed(req({ host: 'bench.lab:443' }), lab));
    assert.ok(!hostAllowed(req({ host: 'rebound.example' }), lab));
    const any = allowedHostNames('0.0.0.0');
    assert.ok(any.has('127.0.0.1') && !any.has('0.0.0.0'));
  });

  it('takes no Origin (not a browser) or its own origin, never another page or another port', () => {
    assert.ok(originAllowed(req({}), id));
    assert.ok(originAllowed(req({ origin: 'http://127.0.0.1:8717' }), id));
    assert.ok(originAllowed(req({ origin: 'http://localhost:8717' }), id));
    for (const origin of ['http://evil.example', 'http://127.0.0.1:9998', 'https://127.0.0.1:8717', 'null', 'http://127.0.0.1:8717/x']) {
      assert.ok(!originAllowed(req({ origin }), id), origin);
    }
  });

  it('knows loopback from the lab network', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) assert.ok(isLoopbackHost(h), h);
    for (const h of ['0.0.0.0', '::', '192.168.152.1', 'bench.lab', '128.0.0.1']) assert.ok(!isLoopbackHost(h), h);
  });
});

describe('station token sources', () => {
  it('reads a Bearer header or the token.<hex> WebSocket subprotocol, never a cookie', () => {
    assert.equal(tokenOf(req({ authorization: `Bearer ${TOKEN}` })), TOKEN);
    assert.equal(tokenOf(req({ 'sec-websocket-protocol': `walt-bench.v1, token.${TOKEN}` })), TOKEN);
    assert.equal(tokenOf(req({ cookie: `wb_token=${TOKEN}` })), null);
    assert.ok(isAuthorized(req({ authorization: `Bearer ${TOKEN}` }), TOKEN));
    assert.ok(!isAuthorized(req({ authorization: `Bearer ${TOKEN.slice(1)}` }), TOKEN));
    assert.ok(!isAuthorized(req({ 'sec-websocket-protocol': 'walt-bench.v1' }), TOKEN));
  });

  it('the page takes the token from #token=<hex> only', () => {
    assert.equal(tokenFromFragment(`#token=${TOKEN}`), TOKEN);
    assert.equal(tokenFromFragment(''), null);
    assert.equal(tokenFromFragment('#token=<script>'), null);
    assert.equal(tokenFromFragment('#/flash'), null);
  });

  it('parses --max-upload sizes', () => {
    assert.equal(parseUploadSize('1M'), 1 << 20);
    assert.equal(parseUploadSize('4G'), 4 * 1024 ** 3);
    assert.equal(parseUploadSize('1.5k'), 1536);
    assert.equal(parseUploadSize('100'), 100);
    assert.throws(() => parseUploadSize('lots'), /--max-upload takes a size like 4G/);
  });
});
