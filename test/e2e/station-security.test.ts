/**
 * The station's security on the real `walt-bench station` process, with a real Chromium where a browser matters:
 * the token never reaches another port of 127.0.0.1 (no cookie: the page keeps it from the URL's fragment), a foreign
 * Host header is refused (DNS rebinding), a bad %-encoding is a 400, uploads are limited and never replace a file,
 * the CSP's connect-src names only the station's own origin, the event socket needs the token and the own Origin,
 * a restarted station tells open pages "this station restarted: open the new URL it printed" (also after a reload),
 * and off loopback the station serves only HTTPS with a self-signed certificate whose fingerprint it printed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { CHROMIUM, openTestPage, type TestPage } from './support/browser.js';
import { startStationProcess, type StationProcess } from './support/station-process.js';
import { createNetns, netnsAvailable } from '../support/netns.js';
import { runCli } from '../support/cli.js';

const REPO = join(__dirname, '..', '..');
const SHOTS = join(REPO, 'test-output', 'screenshots');
const RESTARTED = /this station restarted: open the new URL it printed/i;

const missing = [
  !existsSync(CHROMIUM) && CHROMIUM,
  !existsSync(join(REPO, 'dist', 'renderer', 'index.html')) && 'the built UI (npm run build:renderer)',
  !existsSync(join(REPO, 'dist', 'main', 'cli', 'main.js')) && 'the built backend (npx tsc -p tsconfig.json)',
].filter(Boolean);
const skip = missing.length > 0 ? `needs ${missing.join(', ')}` : false;

const byTestId = (t: TestPage, id: string) => t.page.locator(`[data-testid="${id}"]`);

/** Waits until the header says "Station: connected" (the event socket is open), or fails saying what it shows. */
async function connected(t: TestPage): Promise<void> {
  const state = byTestId(t, 'connection-state');
  try {
    await state.filter({ hasText: /: connected$/ }).waitFor({ timeout: 20_000 });
  } catch (error) {
    throw new Error(`the page never connected; it shows "${await state.innerText().catch(() => '?')}"; errors: ${t.errors.join('\n')}`, { cause: error });
  }
}

/** A raw HTTP answer (fetch cannot forge a Host header or send a malformed path). */
interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function raw(port: number, path: string, options: { method?: string; headers?: Record<string, string | number>; body?: Buffer | string } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

function wsStatus(url: string, protocols: string[], headers: Record<string, string> = {}): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, protocols, { headers });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(0));
    ws.on('open', () => {
      resolve('open');
      ws.close();
    });
  });
}

/** A free TCP port of 127.0.0.1 (so a restarted station comes back on the same origin). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Another local user's listener on 127.0.0.1: it records every request it gets (line, headers). */
interface Eavesdropper {
  port: number;
  seen: string[];
  server: Server;
}

async function startEavesdropper(): Promise<Eavesdropper> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}\n${JSON.stringify(req.headers)}`);
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><img src="/img.png"><script>fetch('/fetched', { credentials: 'include' }).then(() => document.title = 'done', () => document.title = 'done');</script>`);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain', 'access-control-allow-origin': '*' }).end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as AddressInfo).port, seen, server };
}

describe('station security (real process)', { skip }, () => {
  let home = '';
  let station: StationProcess | null = null;
  let spy: Eavesdropper | null = null;
  let tab: TestPage | null = null;

  before(async () => {
    if (skip) return;
    home = mkdtempSync(join(tmpdir(), 'wb-station-sec-'));
    mkdirSync(SHOTS, { recursive: true });
    station = await startStationProcess(REPO, { WALT_BENCH_HOME: join(home, 'state') }, [], ['--port', '0', '--max-upload', '1M']);
    spy = await startEavesdropper();
  });

  after(async () => {
    await tab?.browser.close().catch(() => undefined);
    await station?.stop().catch(() => undefined);
    await new Promise<void>((r) => (spy ? spy.server.close(() => r()) : r()));
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('prints the token in the URL fragment only', () => {
    assert.match(station!.url, /^http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{48}$/);
  });

  it('never lets the token reach another port of 127.0.0.1 (no cookie, no Referer, no URL)', { timeout: 60_000 }, async () => {
    tab = await openTestPage({ width: 1280, height: 800 });
    const t = tab;
    await t.page.goto(station!.url);
    await connected(t);
    assert.equal(new URL(t.page.url()).hash, '', 'the token left the address bar');
    assert.deepEqual(await t.page.context().cookies(), [], 'the station set no cookie');

    // The station page tries to reach the other listener: its CSP (connect-src, img-src) stops it.
    const fromStation = await t.page.evaluate(async (other) => {
      const img = new Promise<string>((resolve) => {
        const i = document.createElement('img');
        i.onload = () => resolve('loaded');
        i.onerror = () => resolve('blocked');
        i.src = `${other}/img-from-station.png`;
        document.body.appendChild(i);
      });
      const got = await fetch(`${other}/fetch-from-station`, { credentials: 'include', mode: 'no-cors' }).then(
        () => 'fetched',
        () => 'blocked',
      );
      return [got, await img];
    }, `http://127.0.0.1:${spy!.port}`);
    assert.deepEqual(fromStation, ['blocked', 'blocked'], 'connect-src and img-src name only the station');

    // The station's tab navigates to the other listener (a cookie of 127.0.0.1 would ride along here, whatever the
    // port), whose page loads an image and fetches with credentials.
    await t.page.goto(`http://127.0.0.1:${spy!.port}/`);
    await t.page.waitForFunction(() => document.title === 'done', undefined, { timeout: 10_000 });
    const seen = spy!.seen;
    assert.ok(seen.some((s) => s.startsWith('GET /img.png')) && seen.some((s) => s.startsWith('GET /fetched')), seen.join('\n'));
    assert.ok(!seen.some((s) => s.includes('from-station')), `the CSP let the station page reach the other port:\n${seen.join('\n')}`);
    for (const s of seen) {
      assert.ok(!s.includes(station!.token), `the other listener received the token:\n${s}`);
      assert.ok(!/cookie/i.test(s), `the other listener received a cookie:\n${s}`);
    }
  });

  it('answers 421 to a Host of evil.example, for the page and the API', async () => {
    const port = Number(new URL(station!.origin).port);
    const page = await raw(port, '/', { headers: { host: 'evil.example' } });
    assert.equal(page.status, 421);
    assert.ok(!page.body.includes('<script'), 'no page for a rebound name');
    const api = await raw(port, '/api/call/app.info', {
      method: 'POST',
      headers: { host: `evil.example:${port}`, authorization: `Bearer ${station!.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(api.status, 421);
    assert.equal((await raw(port, '/', { headers: { host: `127.0.0.1:${port}` } })).status, 200);
  });

  it('answers 400 to a malformed %-encoding', async () => {
    const port = Number(new URL(station!.origin).port);
    assert.equal((await raw(port, '/%E0%A4%A')).status, 400);
    const api = await raw(port, '/api/call/%E0%A4%A', { method: 'POST', headers: { authorization: `Bearer ${station!.token}` }, body: '{}' });
    assert.equal(api.status, 400);
  });

  it('names only its own origin in the CSP connect-src (header and meta)', async () => {
    const res = await fetch(`${station!.origin}/`);
    const ws = station!.origin.replace('http:', 'ws:');
    const header = /connect-src ([^;]*)/.exec(res.headers.get('content-security-policy') ?? '')?.[1];
    assert.equal(header, `'self' ${station!.origin} ${ws}`);
    const meta = /connect-src ([^;"]*)/.exec(await res.text())?.[1];
    assert.equal(meta, `'self' ${station!.origin} ${ws}`);
  });

  it('refuses the event socket with a wrong Origin, no token or a wrong token', async () => {
    const url = `${station!.origin.replace('http:', 'ws:')}/api/events`;
    const good = ['walt-bench.v1', `token.${station!.token}`];
    assert.equal(await wsStatus(url, good, { origin: 'http://evil.example' }), 403);
    assert.equal(await wsStatus(url, good, { origin: 'http://127.0.0.1:9998' }), 403);
    assert.equal(await wsStatus(url, ['walt-bench.v1'], { origin: station!.origin }), 401);
    assert.equal(await wsStatus(url, ['walt-bench.v1', `token.${'1'.repeat(48)}`], { origin: station!.origin }), 401);
    assert.equal(await wsStatus(url, good, { origin: station!.origin }), 'open');
  });

  it('refuses an upload over --max-upload or the free space, and stores a second upload of a name beside the first', async () => {
    const port = Number(new URL(station!.origin).port);
    const auth = { authorization: `Bearer ${station!.token}` };
    const uploads = join(home, 'state', 'uploads');
    const over = await fetch(`${station!.origin}/api/upload?name=big.img`, { method: 'PUT', headers: auth, body: Buffer.alloc((1 << 20) + 1) }).catch(
      (e: Error) => e,
    );
    assert.ok(!(over instanceof Error), `no answer to an upload over the limit: ${String(over)}`);
    assert.equal(over.status, 413);
    // A petabyte announced: refused from the header alone (the free space of the uploads' file system).
    const huge = await raw(port, '/api/upload?name=huge.img', { method: 'PUT', headers: { ...auth, 'content-length': 1e15 } });
    assert.equal(huge.status, 413);
    assert.deepEqual(readdirSync(uploads), []);

    const put = async (body: string): Promise<string> => {
      const res = await fetch(`${station!.origin}/api/upload?name=card.img`, { method: 'PUT', headers: auth, body });
      assert.equal(res.status, 200);
      return ((await res.json()) as { result: { path: string } }).result.path;
    };
    const first = await put('first image');
    const second = await put('second image');
    assert.equal(first, join(uploads, 'card.img'));
    assert.equal(second, join(uploads, 'card-2.img'));
    assert.equal(readFileSync(first, 'utf8'), 'first image', 'the first upload was not replaced');
    assert.equal(readFileSync(second, 'utf8'), 'second image');
  });

  it('uploads a file dropped on the page with the token in Authorization (no cookie), stored and chosen', { timeout: 60_000 }, async () => {
    const t = tab ?? (tab = await openTestPage({ width: 1280, height: 800 }));
    await t.page.goto(station!.url);
    await connected(t);
    const drop = async (content: string): Promise<void> => {
      const dataTransfer = await t.page.evaluateHandle((text) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], 'dropped.img', { type: 'application/octet-stream' }));
        return dt;
      }, content);
      for (const type of ['dragenter', 'dragover', 'drop']) await t.page.dispatchEvent('[data-testid="flash-view"]', type, { dataTransfer });
    };
    const uploads = join(home, 'state', 'uploads');
    await drop('dropped bytes');
    await byTestId(t, 'image-name').filter({ hasText: 'dropped.img' }).waitFor({ timeout: 15_000 });
    assert.equal(readFileSync(join(uploads, 'dropped.img'), 'utf8'), 'dropped bytes');
    await drop('dropped again');
    await byTestId(t, 'image-name').filter({ hasText: 'dropped-2.img' }).waitFor({ timeout: 15_000 });
    assert.equal(readFileSync(join(uploads, 'dropped.img'), 'utf8'), 'dropped bytes', 'the first drop was not replaced');
    assert.equal(readFileSync(join(uploads, 'dropped-2.img'), 'utf8'), 'dropped again');
    assert.deepEqual(await t.page.context().cookies(), []);
  });
});

describe('a restarted station (real process, Chromium)', { skip }, () => {
  let home = '';
  let station: StationProcess | null = null;
  let tab: TestPage | null = null;

  after(async () => {
    await tab?.browser.close().catch(() => undefined);
    await station?.stop().catch(() => undefined);
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('tells the open page, and the page after a reload, "this station restarted: open the new URL it printed"', { timeout: 120_000 }, async () => {
    home = mkdtempSync(join(tmpdir(), 'wb-station-restart-'));
    const env = { WALT_BENCH_HOME: join(home, 'state') };
    const args = ['--port', String(await freePort())];
    station = await startStationProcess(REPO, env, [], args);
    tab = await openTestPage({ width: 1280, height: 800 });
    const t = tab;
    await t.page.goto(station.url);
    await connected(t);
    const oldToken = station.token;

    await station.stop();
    station = await startStationProcess(REPO, env, [], args);
    assert.notEqual(station.token, oldToken);
    const refused = byTestId(t, 'station-refused');
    await refused.waitFor({ timeout: 45_000 });
    assert.match(await refused.innerText(), RESTARTED);
    await t.page.screenshot({ path: join(SHOTS, 'station-restarted.png') });

    await t.page.reload();
    await byTestId(t, 'station-refused').waitFor({ timeout: 20_000 });
    const body = await t.page.locator('body').innerText();
    assert.match(body, RESTARTED);
    assert.ok(!body.trimStart().startsWith('{'), `raw JSON shown: ${body.slice(0, 200)}`);

    // The new URL works in the same tab.
    await t.page.goto(station.url);
    await connected(t);
    assert.equal(await byTestId(t, 'station-refused').count(), 0);
    // A tab opened on the station without the token gets a page saying so, not JSON.
    const bare = await t.browser.newPage();
    await bare.goto(`${station.origin}/`);
    const needs = bare.locator('[data-testid="station-refused"]');
    await needs.waitFor({ timeout: 10_000 });
    assert.match(await needs.innerText(), /needs the station.s access token[\s\S]*open the URL walt-bench station printed/i);
    await bare.close();

    const unexpected = t.errors.filter((e) => !/401|Unauthorized|WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(e));
    assert.deepEqual(unexpected, []);
  });
});

describe('the station off loopback (real process)', { skip }, () => {
  let home = '';
  let station: StationProcess | null = null;

  before(() => {
    if (!skip) home = mkdtempSync(join(tmpdir(), 'wb-station-tls-'));
  });
  after(async () => {
    await station?.stop().catch(() => undefined);
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('serves HTTPS/WSS with --tls, with the self-signed certificate whose fingerprint it printed', { timeout: 60_000 }, async () => {
    station = await startStationProcess(REPO, { WALT_BENCH_HOME: join(home, 'a') }, [], ['--port', '0', '--tls']);
    assert.match(station.url, /^https:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{48}$/);
    const certPem = readFileSync(join(home, 'a', 'station-tls', 'cert.pem'), 'utf8');
    const cert = new X509Certificate(certPem);
    assert.ok(station.output().includes(`SHA-256 fingerprint ${cert.fingerprint256}`), station.output());
    const port = Number(new URL(station.origin).port);
    const page = await new Promise<{ status: number; csp: string }>((resolve, reject) => {
      httpsRequest({ host: '127.0.0.1', port, path: '/', ca: certPem }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, csp: String(res.headers['content-security-policy']) });
      })
        .on('error', reject)
        .end();
    });
    assert.equal(page.status, 200);
    assert.match(page.csp, new RegExp(`connect-src 'self' https://127\\.0\\.0\\.1:${port} wss://127\\.0\\.0\\.1:${port};`));
    const plain = await raw(port, '/').catch((e: Error) => e);
    assert.ok(plain instanceof Error || plain.status === 400, 'no clear-text answer on the TLS port');
    const ws = await new Promise<string>((resolve) => {
      const s = new WebSocket(`wss://127.0.0.1:${port}/api/events`, ['walt-bench.v1', `token.${station!.token}`], { ca: certPem });
      s.on('open', () => {
        resolve(s.protocol);
        s.close();
      });
      s.on('error', (e) => resolve(`error: ${e.message}`));
    });
    assert.equal(ws, 'walt-bench.v1');
  });

  it('on a lab address, always HTTPS (a certificate naming that address), and refuses to start without openssl', { skip: netnsAvailable() ? false : 'needs root and ip netns', timeout: 60_000 }, async () => {
    const ns = createNetns({ hostIp: '192.168.153.1' });
    try {
      const lab = await startStationProcess(REPO, { WALT_BENCH_HOME: join(home, 'b') }, ns.wrap(), ['--port', '0', '--host', '192.168.153.1']);
      try {
        assert.match(lab.url, /^https:\/\/192\.168\.153\.1:\d+\/#token=/);
        const cert = new X509Certificate(readFileSync(join(home, 'b', 'station-tls', 'cert.pem')));
        assert.equal(cert.checkIP('192.168.153.1'), '192.168.153.1');
        assert.ok(lab.output().includes(cert.fingerprint256));
      } finally {
        await lab.stop();
      }
    } finally {
      ns.remove();
    }
    const noOpenssl = await runCli(['station', '--port', '0', '--host', '192.168.153.1'], { WALT_BENCH_HOME: join(home, 'c'), PATH: join(home, 'empty-path') });
    assert.notEqual(noOpenssl.status, 0);
    assert.match(noOpenssl.stderr, /needs openssl to make its TLS certificate/);
    assert.doesNotMatch(noOpenssl.stdout, /#token=/, 'it never listened');
  });
});
