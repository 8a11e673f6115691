import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { startStation, type Station } from '../../src-main/transports/station/station-server.js';
import { DEFAULT_SETTINGS } from '../../src-main/services/settings/settings.js';
import { startTestBackend, type TestBackend } from '../support/backend.js';

/** What a WebSocket upgrade came to: opened (with the protocol the server chose, and its first message) or refused. */
interface WsOutcome {
  opened: boolean;
  status?: number;
  protocol?: string;
  first?: unknown;
}

function wsOutcome(url: string, protocols: string[] = [], headers: Record<string, string> = {}): Promise<WsOutcome> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, protocols, { headers });
    ws.on('unexpected-response', (_req, res) => resolve({ opened: false, status: res.statusCode }));
    ws.on('error', () => resolve({ opened: false }));
    ws.on('open', () => {
      ws.once('message', (data) => {
        resolve({ opened: true, protocol: ws.protocol, first: JSON.parse(String(data)) });
        ws.close();
      });
    });
  });
}

/** A raw HTTP request (fetch cannot send a forged Host header or a malformed path). */
function raw(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string | number>; body?: Buffer | string },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('station transport', () => {
  let t: TestBackend;
  let station: Station;
  let base: string;
  let auth: Record<string, string>;

  before(async () => {
    t = await startTestBackend();
    const ui = mkdtempSync(join(tmpdir(), 'wb-ui-'));
    writeFileSync(
      join(ui, 'index.html'),
      `<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src 'self'; connect-src 'self'; object-src 'none'"><title>walt-bench</title>`,
    );
    station = await startStation({
      dispatcher: t.backend.dispatcher,
      staticRoot: ui,
      uploadDir: t.backend.paths.uploads,
      port: 0,
      maxUploadBytes: 64 * 1024,
    });
    base = `http://127.0.0.1:${station.port}`;
    auth = { authorization: `Bearer ${station.token}` };
  });
  after(async () => {
    await station.close();
    await t.close();
  });

  it('prints a URL with a long random token in its fragment, bound to loopback', () => {
    assert.match(station.url, /^http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{48}$/);
    assert.equal(station.origin, base);
  });

  it('serves the page without the token (it holds no secret), with a CSP naming only its own origin', async () => {
    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('set-cookie'), null, 'no cookie, ever');
    const csp = page.headers.get('content-security-policy')!;
    const connect = /connect-src ([^;]*)/.exec(csp)![1]!.split(' ');
    assert.deepEqual(connect, ["'self'", base, `ws://127.0.0.1:${station.port}`]);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    const html = await page.text();
    assert.match(html, new RegExp(`connect-src 'self' ${base} ws://127\\.0\\.0\\.1:${station.port}; object-src`), html);
  });

  it('refuses every API path without the token, or with it in a cookie or the query (401)', async () => {
    assert.equal((await fetch(`${base}/api/call/app.info`, { method: 'POST', body: '{}' })).status, 401);
    const wrong = await fetch(`${base}/api/call/app.info`, { method: 'POST', body: '{}', headers: { authorization: `Bearer ${'0'.repeat(48)}` } });
    assert.equal(wrong.status, 401);
    const cookie = await fetch(`${base}/api/call/app.info`, { method: 'POST', body: '{}', headers: { cookie: `wb_token=${station.token}` } });
    assert.equal(cookie.status, 401);
    assert.equal((await fetch(`${base}/api/call/app.info?token=${station.token}`, { method: 'POST', body: '{}' })).status, 401);
    assert.equal((await fetch(`${base}/api/session`)).status, 401);
    assert.equal((await fetch(`${base}/api/upload?name=x.img`, { method: 'PUT', body: 'x' })).status, 401);
    assert.deepEqual(readdirSync(t.backend.paths.uploads), []);
    const body = (await wrong.json()) as { error: { message: string; hint: string } };
    assert.match(body.error.hint, /restarted, open the new URL it printed/);
  });

  it('answers a command with the token, and validates its input', async () => {
    const ok = await fetch(`${base}/api/call/settings.get`, { method: 'POST', body: '{}', headers: auth });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('cache-control'), 'no-store');
    assert.equal(ok.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(ok.headers.get('x-content-type-options'), 'nosniff');
    assert.deepEqual(await ok.json(), { ok: true, result: { ...DEFAULT_SETTINGS, includeVirtualDrives: true } });
    const bad = await fetch(`${base}/api/call/flash.start`, { method: 'POST', body: '{"image":"x"}', headers: auth });
    assert.equal(bad.status, 400);
    const body = (await bad.json()) as { ok: boolean; error: { code: string; message: string } };
    assert.equal(body.error.code, 'bad-request');
    const unknown = await fetch(`${base}/api/call/exec`, { method: 'POST', body: '{}', headers: auth });
    assert.equal(unknown.status, 404);
    assert.equal((await fetch(`${base}/api/session`, { headers: auth })).status, 200);
  });

  it('answers 421 to a Host it is not (DNS rebinding), for the page, the API and the socket', async () => {
    const page = await raw(station.port, { path: '/', headers: { host: `evil.example:${station.port}` } });
    assert.equal(page.status, 421);
    assert.doesNotMatch(page.body, /<title>/);
    const api = await raw(station.port, { method: 'POST', path: '/api/call/app.info', headers: { host: 'evil.example', ...auth }, body: '{}' });
    assert.equal(api.status, 421);
    const userinfo = await raw(station.port, { path: '/', headers: { host: `evil.example@127.0.0.1:${station.port}` } });
    assert.equal(userinfo.status, 421);
    const otherPort = await raw(station.port, { path: '/', headers: { host: '127.0.0.1:1' } });
    assert.equal(otherPort.status, 421);
    for (const host of [`127.0.0.1:${station.port}`, `localhost:${station.port}`]) {
      assert.equal((await raw(station.port, { path: '/', headers: { host } })).status, 200, host);
    }
    const ws = await wsOutcome(`ws://127.0.0.1:${station.port}/api/events`, [], { ...auth, host: `evil.example:${station.port}` });
    assert.deepEqual(ws, { opened: false, status: 421 });
  });

  it('answers 400, not 500, to a malformed %-encoding', async () => {
    assert.equal((await raw(station.port, { path: '/%E0%A4%A' })).status, 400);
    assert.equal((await raw(station.port, { path: '/assets/%zz.js' })).status, 400);
    const api = await raw(station.port, { method: 'POST', path: '/api/call/%E0%A4%A', headers: auth, body: '{}' });
    assert.equal(api.status, 400);
    assert.equal((JSON.parse(api.body) as { error: { code: string } }).error.code, 'bad-request');
  });

  it('refuses a cross-site request even with the token', async () => {
    const res = await fetch(`${base}/api/call/app.info`, { method: 'POST', body: '{}', headers: { ...auth, origin: 'http://evil.example' } });
    assert.equal(res.status, 403);
    const otherPort = await fetch(`${base}/api/call/app.info`, { method: 'POST', body: '{}', headers: { ...auth, origin: 'http://127.0.0.1:9998' } });
    assert.equal(otherPort.status, 403);
    const own = await fetch(`${base}/api/call/app.info`, { method: 'POST', body: '{}', headers: { ...auth, origin: base } });
    assert.equal(own.status, 200);
  });

  it('opens the event socket only with the token subprotocol (echoing only walt-bench.v1) from its own origin', async () => {
    const url = `ws://127.0.0.1:${station.port}/api/events`;
    assert.deepEqual(await wsOutcome(url), { opened: false, status: 401 });
    assert.deepEqual(await wsOutcome(url, ['walt-bench.v1', `token.${'0'.repeat(48)}`]), { opened: false, status: 401 });
    assert.deepEqual(await wsOutcome(`${url}?token=${station.token}`, ['walt-bench.v1']), { opened: false, status: 401 });
    const crossSite = await wsOutcome(url, ['walt-bench.v1', `token.${station.token}`], { origin: 'http://evil.example' });
    assert.deepEqual(crossSite, { opened: false, status: 403 });
    const pending = wsOutcome(url, ['walt-bench.v1', `token.${station.token}`], { origin: base });
    setTimeout(() => void t.api.call('settings.set', { verify: true }), 200);
    const granted = await pending;
    assert.equal(granted.opened, true);
    assert.equal(granted.protocol, 'walt-bench.v1', 'the token protocol is never echoed');
    assert.equal((granted.first as { event: string }).event, 'drives.changed');
  });

  it('stores an uploaded image under a safe name, and a second one of that name beside it (never replacing it)', async () => {
    const put = async (name: string, body: string): Promise<{ ok: boolean; result: { path: string } }> => {
      const res = await fetch(`${base}/api/upload?name=${encodeURIComponent(name)}`, { method: 'PUT', body, headers: auth });
      assert.equal(res.status, 200);
      return (await res.json()) as { ok: boolean; result: { path: string } };
    };
    const first = await put('../../etc/evil name.img', 'image-bytes');
    assert.equal(first.result.path, join(t.backend.paths.uploads, 'evil_name.img'));
    const second = await put('evil name.img', 'other-bytes');
    assert.equal(second.result.path, join(t.backend.paths.uploads, 'evil_name-2.img'));
    assert.equal(readFileSync(first.result.path, 'utf8'), 'image-bytes', 'the first upload is intact');
    assert.equal(readFileSync(second.result.path, 'utf8'), 'other-bytes');
    assert.deepEqual(readdirSync(t.backend.paths.uploads).sort(), ['evil_name-2.img', 'evil_name.img'], 'no temporary file left');
  });

  it('refuses an upload over the limit (declared, or streamed without a length) and keeps nothing of it', async () => {
    const before = readdirSync(t.backend.paths.uploads).sort();
    const declared = await raw(station.port, {
      method: 'PUT',
      path: '/api/upload?name=big.img',
      headers: { ...auth, 'content-length': 64 * 1024 + 1 },
      body: Buffer.alloc(64 * 1024 + 1),
    });
    assert.equal(declared.status, 413);
    assert.match((JSON.parse(declared.body) as { error: { message: string } }).error.message, /big\.img refused: it is larger than the 0\.1 MiB/);
    const chunked = await raw(station.port, {
      method: 'PUT',
      path: '/api/upload?name=big.img',
      headers: { ...auth, 'transfer-encoding': 'chunked' },
      body: Buffer.alloc(200 * 1024),
    });
    assert.equal(chunked.status, 413);
    assert.deepEqual(readdirSync(t.backend.paths.uploads).sort(), before, 'nothing stored, no temporary file left');
  });

  it('keeps nothing of an upload the browser abandons half way', async () => {
    const before = readdirSync(t.backend.paths.uploads).sort();
    await new Promise<void>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port: station.port,
        method: 'PUT',
        path: '/api/upload?name=half.img',
        headers: { ...auth, 'content-length': 4096 },
      });
      req.on('error', () => resolve());
      req.write(Buffer.alloc(1024), () => setTimeout(() => req.destroy(), 100));
    });
    const deadline = Date.now() + 5000;
    while (readdirSync(t.backend.paths.uploads).length !== before.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(readdirSync(t.backend.paths.uploads).sort(), before, 'no half.img, no temporary file');
    assert.equal((await fetch(`${base}/api/session`, { headers: auth })).status, 200, 'the station still answers');
  });
  it('issues page ids itself (GET /api/session) and shows other pages only a label, never the id', async () => {
    const session = async (): Promise<{ client: string; label: string }> => {
      const r = await fetch(`${base}/api/session`, { headers: auth });
      return ((await r.json()) as { result: { client: string; label: string } }).result;
    };
    const a = await session();
    const b = await session();
    assert.match(a.client, /^c-[0-9a-f]{24}$/);
    assert.notEqual(a.client, b.client);
    assert.match(a.label, /^station 127\.0\.0\.1 #[0-9a-f]{6}$/);
    const call = async (name: string, body: unknown, client: string) => {
      const r = await fetch(`${base}/api/call/${name}`, { method: 'POST', body: JSON.stringify(body), headers: { ...auth, 'x-walt-client': client } });
      return { status: r.status, text: await r.text() };
    };
    const img = join(t.dir, 'label.img');
    writeFileSync(img, Buffer.alloc(64 * 1024, 1));
    const slot = '/dev/disk/by-path/pci-0000:00:14.0-usb-0:9:1.0-scsi-0:0:0:0';
    assert.equal((await call('slots.enroll', { slot }, a.client)).status, 200);
    const armed = await call('stationJob.arm', { artifact: img, slots: [slot] }, a.client);
    assert.equal(armed.status, 200, armed.text);
    const job = (JSON.parse(armed.text) as { result: { jobId: string; armedBy: string } }).result;
    assert.equal(job.armedBy, a.label, 'the job shows the label the page was given');
    const seen = await call('stationJob.status', {}, b.client);
    assert.ok(!seen.text.includes(a.client), 'another page never sees the id');
    const refused = await call('stationJob.disarm', { jobId: job.jobId }, b.client);
    assert.equal(refused.status, 409);
    assert.ok(!refused.text.includes(a.client));
    // An id this station never issued (a page of a station restarted since, or one made up) is refused as such, with
    // the header that makes the page renew its id; it never acts as anyone, not even `anon`.
    const stale = await fetch(`${base}/api/call/stationJob.disarm`, { method: 'POST', body: JSON.stringify({ jobId: job.jobId }), headers: { ...auth, 'x-walt-client': `c-${'0'.repeat(24)}` } });
    assert.equal(stale.status, 409);
    assert.equal(stale.headers.get('x-walt-session'), 'unknown');
    assert.match(await stale.text(), /did not issue this page's id/);
    assert.equal((await call('stationJob.status', {}, `c-${'0'.repeat(24)}`)).status, 200, 'reads need no id');
    assert.equal((await call('stationJob.disarm', { jobId: job.jobId }, a.client)).status, 200);
    assert.equal((await call('slots.forget', { slot }, a.client)).status, 200);
  });
});
