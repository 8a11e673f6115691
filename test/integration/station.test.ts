import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { startStation, type Station } from '../../src-main/transports/station/station-server.js';
import { startTestBackend, type TestBackend } from '../support/backend.js';

function wsOutcome(url: string, headers: Record<string, string> = {}): Promise<{ opened: boolean; status?: number; first?: unknown }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => resolve({ opened: false, status: res.statusCode }));
    ws.on('error', () => resolve({ opened: false }));
    ws.on('open', () => {
      ws.once('message', (data) => {
        resolve({ opened: true, first: JSON.parse(String(data)) });
        ws.close();
      });
    });
  });
}

describe('station transport', () => {
  let t: TestBackend;
  let station: Station;
  let base: string;

  before(async () => {
    t = await startTestBackend();
    const ui = mkdtempSync(join(tmpdir(), 'wb-ui-'));
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>walt-bench</title>');
    station = await startStation({ dispatcher: t.backend.dispatcher, staticRoot: ui, uploadDir: t.backend.paths.uploads, port: 0 });
    base = `http://127.0.0.1:${station.port}`;
  });
  after(async () => {
    await station.close();
    await t.close();
  });

  it('prints a URL with a long random token, bound to loopback', () => {
    assert.match(station.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
  });

  it('refuses every request without the token (401)', async () => {
    assert.equal((await fetch(`${base}/`)).status, 401);
    assert.equal((await fetch(`${base}/api/call/app.info`, { method: 'POST', body: '{}' })).status, 401);
    const wrong = await fetch(`${base}/api/call/app.info`, { method: 'POST', body: '{}', headers: { authorization: `Bearer ${'0'.repeat(48)}` } });
    assert.equal(wrong.status, 401);
    assert.equal((await fetch(`${base}/api/upload?name=x.img`, { method: 'PUT', body: 'x' })).status, 401);
  });

  it('answers a command with the token, and validates its input', async () => {
    const auth = { authorization: `Bearer ${station.token}` };
    const ok = await fetch(`${base}/api/call/settings.get`, { method: 'POST', body: '{}', headers: auth });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { ok: true, result: { includeVirtualDrives: true, verify: true, serialLogMiB: 16, serialLogFiles: 4 } });
    const bad = await fetch(`${base}/api/call/flash.start`, { method: 'POST', body: '{"image":"x"}', headers: auth });
    assert.equal(bad.status, 400);
    const body = (await bad.json()) as { ok: boolean; error: { code: string; message: string } };
    assert.equal(body.error.code, 'bad-request');
    const unknown = await fetch(`${base}/api/call/exec`, { method: 'POST', body: '{}', headers: auth });
    assert.equal(unknown.status, 404);
  });

  it('trades ?token= for an HttpOnly SameSite cookie, then serves the UI with a CSP', async () => {
    const first = await fetch(station.url, { redirect: 'manual' });
    assert.equal(first.status, 302);
    const cookie = first.headers.get('set-cookie')!;
    assert.match(cookie, /^wb_token=[0-9a-f]{48}; HttpOnly; SameSite=Strict; Path=\//);
    const page = await fetch(`${base}/`, { headers: { cookie: cookie.split(';')[0]! } });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy')!, /default-src 'self'; script-src 'self'/);
  });

  it('refuses a cross-site request even with the cookie', async () => {
    const res = await fetch(`${base}/api/call/app.info`, {
      method: 'POST',
      body: '{}',
      headers: { cookie: `wb_token=${station.token}`, origin: 'http://evil.example' },
    });
    assert.equal(res.status, 401);
  });

  it('closes an event socket without the token and streams events with it', async () => {
    const denied = await wsOutcome(`ws://127.0.0.1:${station.port}/api/events`);
    assert.equal(denied.opened, false);
    assert.equal(denied.status, 401);
    const crossSite = await wsOutcome(`ws://127.0.0.1:${station.port}/api/events?token=${station.token}`, { origin: 'http://evil.example' });
    assert.equal(crossSite.opened, false);
    const pending = wsOutcome(`ws://127.0.0.1:${station.port}/api/events?token=${station.token}`);
    setTimeout(() => void t.api.call('settings.set', { verify: true }), 200);
    const granted = await pending;
    assert.equal(granted.opened, true);
    assert.equal((granted.first as { event: string }).event, 'drives.changed');
  });

  it('stores an uploaded image and returns its path (drag and drop in a browser)', async () => {
    const res = await fetch(`${base}/api/upload?name=../../etc/evil name.img`, {
      method: 'PUT',
      body: 'image-bytes',
      headers: { authorization: `Bearer ${station.token}` },
    });
    const body = (await res.json()) as { ok: boolean; result: { path: string } };
    assert.equal(body.ok, true);
    assert.equal(body.result.path, join(t.backend.paths.uploads, 'evil_name.img'));
    assert.equal(readFileSync(body.result.path, 'utf8'), 'image-bytes');
  });
});
