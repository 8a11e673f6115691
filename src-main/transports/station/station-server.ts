import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { WebSocketServer } from 'ws';
import type { Dispatcher } from '../../api/dispatcher.js';
import { ApiError, toApiError } from '../../api/errors.js';
import { isAuthorized, newToken, originAllowed, TOKEN_COOKIE } from './auth.js';
import { serveStatic } from './static-files.js';

/** Options of the station transport. */
export interface StationOptions {
  dispatcher: Dispatcher;
  /** Built UI (dist/renderer). */
  staticRoot: string;
  /** Where drag-and-dropped images are stored. */
  uploadDir: string;
  host?: string;
  port?: number;
  /** Fixed token (tests); a random one otherwise. */
  token?: string;
}

/** A running station. */
export interface Station {
  url: string;
  token: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

function statusOf(e: ApiError): number {
  switch (e.code) {
    case 'bad-request':
      return 400;
    case 'unknown-command':
    case 'not-found':
      return 404;
    case 'refused':
    case 'source-error':
      return 409;
    case 'permission':
      return 403;
    case 'io-error':
    case 'internal':
      return 500;
  }
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new ApiError('bad-request', 'request body too large');
    chunks.push(chunk);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ApiError('bad-request', 'the request body is not JSON');
  }
}

/**
 * The station transport: the UI and the API over HTTP + WebSocket for a browser. Bound to 127.0.0.1 by default;
 * every request and socket must carry the per-run token (Authorization: Bearer, the wb_token cookie set when the
 * browser opens /?token=..., or ?token= on the socket URL). Without it: HTTP 401, socket refused.
 */
export async function startStation(options: StationOptions): Promise<Station> {
  const token = options.token ?? newToken();
  const host = options.host ?? '127.0.0.1';
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: toApiError(error).toJSON() });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://station.invalid');
    if (!isAuthorized(req, url, token) || !originAllowed(req)) {
      sendJson(res, 401, {
        ok: false,
        error: { code: 'permission', message: 'this walt-bench station needs its token: open the URL it printed' },
      });
      return;
    }
    if (url.searchParams.has('token') && req.method === 'GET' && !url.pathname.startsWith('/api/')) {
      // Trade the token in the address bar for an HttpOnly same-site cookie, and drop it from the URL.
      res.writeHead(302, {
        'set-cookie': `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        location: url.pathname,
      });
      res.end();
      return;
    }
    if (url.pathname.startsWith('/api/call/') && req.method === 'POST') {
      const name = decodeURIComponent(url.pathname.slice('/api/call/'.length));
      try {
        const result = await options.dispatcher.dispatch(name, await readBody(req));
        sendJson(res, 200, { ok: true, result });
      } catch (error) {
        const e = toApiError(error);
        sendJson(res, statusOf(e), { ok: false, error: e.toJSON() });
      }
      return;
    }
    if (url.pathname === '/api/upload' && req.method === 'PUT') {
      await upload(req, res, url);
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      sendJson(res, 404, { ok: false, error: { code: 'not-found', message: `no such endpoint ${url.pathname}` } });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    await serveStatic(options.staticRoot, url.pathname, res);
  }

  async function upload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const name = basename(url.searchParams.get('name') ?? '').replace(/[^\w.+-]/g, '_');
    if (!name || name.startsWith('.')) {
      sendJson(res, 400, { ok: false, error: { code: 'bad-request', message: 'upload needs ?name=<file name>' } });
      return;
    }
    const path = join(options.uploadDir, name);
    try {
      await pipeline(req, createWriteStream(path));
    } catch (error) {
      await rm(path, { force: true });
      throw new ApiError('io-error', `upload of ${name} failed: ${(error as Error).message}`);
    }
    sendJson(res, 200, { ok: true, result: { path } });
  }

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://station.invalid');
    if (url.pathname !== '/api/events' || !isAuthorized(req, url, token) || !originAllowed(req)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const unsubscribe = options.dispatcher.subscribe((message) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
      });
      ws.on('close', unsubscribe);
      ws.on('error', unsubscribe);
      // The socket is server -> browser only: anything the browser sends is ignored.
      ws.on('message', () => undefined);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    token,
    port,
    server,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
