import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { WebSocketServer } from 'ws';
import type { Dispatcher } from '../../api/dispatcher.js';
import { ApiError, toApiError } from '../../api/errors.js';
import { clientLabel } from '../../services/station/client-label.js';
import { EVENTS_PROTOCOL, isAuthorized, newToken, stationUrl } from './auth.js';
import { ClientIds } from './client-ids.js';
import { coalescingSink } from './event-frames.js';
import { allowedHostNames, hostAllowed, isWildcardHost, originAllowed, ownOrigin, type StationIdentity } from './host-check.js';
import { COMMON_HEADERS, serveStatic } from './static-files.js';
import { storeUpload, UploadError } from './upload.js';

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
  /** Serve HTTPS/WSS with this PEM key and certificate (required off loopback: see the station command). */
  tls?: { key: string; cert: string };
  /** Largest upload accepted (besides the free space of uploadDir). */
  maxUploadBytes?: number;
  /** More names the Host header may carry (e.g. the station's DNS name on the lab network). */
  hostNames?: string[];
}

/** A running station. */
export interface Station {
  /** What to open in a browser: the origin, then the token in the fragment (`/#token=...`). */
  url: string;
  /** The origin shown (e.g. http://127.0.0.1:8717). */
  origin: string;
  token: string;
  port: number;
  /** Host names and addresses the Host header may carry. */
  names: ReadonlySet<string>;
  server: Server;
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;

/** Headers of every API answer: never cached, never framed, never run as a page. */
const API_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  ...COMMON_HEADERS,
};

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...API_HEADERS, ...extra });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, code: string, message: string, hint?: string): void {
  sendJson(res, status, { ok: false, error: hint === undefined ? { code, message } : { code, message, hint } });
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...COMMON_HEADERS });
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

/** The request's URL (path and query), or null when it does not parse. */
function requestUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://station.invalid');
  } catch {
    return null;
  }
}

/** The %-decoded path of a request, or null when its %-encoding is malformed (answered 400). */
function decodedPath(url: URL): string | null {
  try {
    return decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
}

/** The address to show in the URL for a bind address (a wildcard shows this machine's first lab address). */
function shownHost(host: string): string {
  if (isWildcardHost(host)) {
    const lab = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && !a.internal && a.family === 'IPv4');
    return lab?.address ?? '127.0.0.1';
  }
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * Who a request comes from, for the audit journal and the "who may change a running job" rule:
 * `station <remote address> <page id>` (the id the station issued to that address, else `anon`).
 */
export function callerOf(req: IncomingMessage, ids: ClientIds): string {
  return ids.callerOf(req);
}

/** Commands whose input names the client (they change slots or jobs): the station overwrites whatever the body says with callerOf(). */
function takesClient(name: string): boolean {
  return (name.startsWith('slots.') || name.startsWith('stationJob.')) && name !== 'slots.list' && name !== 'stationJob.status';
}

/** The body of a call, with its `client` set by the transport when the command takes one. */
export function withClient(name: string, body: unknown, req: IncomingMessage, ids: ClientIds): unknown {
  if (!takesClient(name) || typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  return { ...(body as Record<string, unknown>), client: callerOf(req, ids) };
}

/** Words of a refused token, for the API's 401 and the page. */
const TOKEN_REFUSED = 'this walt-bench station refused the request: its access token is missing or wrong';
const TOKEN_HINT = 'if the station restarted, open the new URL it printed (it ends with #token=...)';

/**
 * The station transport: the UI and the API over HTTP(S) + WebSocket for a browser. Bound to 127.0.0.1 by default.
 * Static files need no token (they hold no secret); every API path, upload and the event socket need the per-run
 * token (`Authorization: Bearer`, or the `token.<hex>` WebSocket subprotocol), compared in constant time. Every
 * request must name the station in its Host header (DNS rebinding: 421), and a browser's Origin must be the
 * station's own (403). No cookie is ever set: a cookie of 127.0.0.1 would reach every other port of it.
 */
export async function startStation(options: StationOptions): Promise<Station> {
  const token = options.token ?? newToken();
  const host = options.host ?? '127.0.0.1';
  const scheme = options.tls ? 'https' : 'http';
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    // Echo only the non-secret protocol; the token.<hex> one is never sent back.
    handleProtocols: (offered) => (offered.has(EVENTS_PROTOCOL) ? EVENTS_PROTOCOL : false),
  });
  const id: { current: StationIdentity | null } = { current: null };
  const clients = new ClientIds();
  const identity = (): StationIdentity => {
    if (!id.current) throw new ApiError('internal', 'the station is not listening yet');
    return id.current;
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    void handle(req, res).catch((error: unknown) => {
      const e = toApiError(error);
      if (!res.headersSent) sendJson(res, statusOf(e), { ok: false, error: e.toJSON() });
      else res.destroy();
    });
  };
  const server: Server = options.tls
    ? (createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, onRequest) as unknown as Server)
    : createHttpServer(onRequest);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const me = identity();
    const url = requestUrl(req);
    if (!url) {
      sendText(res, 400, 'the request line does not hold a valid path');
      return;
    }
    const api = url.pathname.startsWith('/api/');
    if (!hostAllowed(req, me)) {
      const message = `this walt-bench station does not answer to the host "${req.headers.host ?? ''}": open the URL it printed`;
      if (api) sendError(res, 421, 'permission', message);
      else sendText(res, 421, message);
      return;
    }
    const path = decodedPath(url);
    if (path === null) {
      if (api) sendError(res, 400, 'bad-request', `malformed %-encoding in the path ${url.pathname}`);
      else sendText(res, 400, `malformed %-encoding in the path ${url.pathname}`);
      return;
    }
    if (!api) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendText(res, 405, `${req.method ?? ''} is not allowed on ${url.pathname}`);
        return;
      }
      await serveStatic(options.staticRoot, path, ownOrigin(req, me), res);
      return;
    }
    if (!originAllowed(req, me)) {
      sendError(res, 403, 'permission', `this walt-bench station refuses requests from the page at ${req.headers.origin ?? ''}`);
      return;
    }
    if (!isAuthorized(req, token)) {
      sendError(res, 401, 'permission', TOKEN_REFUSED, TOKEN_HINT);
      return;
    }
    if (path === '/api/session' && req.method === 'GET') {
      // The page's id, issued here: the page sends it back in X-Walt-Client; other pages only ever see its label.
      const client = clients.sessionOf(req);
      sendJson(res, 200, { ok: true, result: { client, label: clientLabel(`station ${req.socket.remoteAddress ?? '?'} ${client}`) } });
      return;
    }
    if (path.startsWith('/api/call/') && req.method === 'POST') {
      const name = path.slice('/api/call/'.length);
      if (takesClient(name) && clients.namesUnknown(req)) {
        // the page renews its id (GET /api/session) and asks again; until then it is nobody, never `anon`
        const error = { code: 'refused', message: "this station did not issue this page's id (it restarted since the page opened?)", hint: 'reload the page' };
        sendJson(res, 409, { ok: false, error }, { 'x-walt-session': 'unknown' });
        return;
      }
      try {
        const result = await options.dispatcher.dispatch(name, withClient(name, await readBody(req), req, clients));
        sendJson(res, 200, { ok: true, result });
      } catch (error) {
        const e = toApiError(error);
        sendJson(res, statusOf(e), { ok: false, error: e.toJSON() });
      }
      return;
    }
    if (path === '/api/upload' && req.method === 'PUT') {
      try {
        const stored = await storeUpload(req, url.searchParams.get('name'), { dir: options.uploadDir, maxBytes: options.maxUploadBytes });
        sendJson(res, 200, { ok: true, result: { path: stored } });
      } catch (error) {
        if (!(error instanceof UploadError)) throw error;
        // The rest of a refused body is not read: close the connection once the answer is out.
        sendJson(res, error.status, { ok: false, error: error.toJSON() }, req.complete ? {} : { connection: 'close' });
      }
      return;
    }
    sendError(res, 404, 'not-found', `no such endpoint ${req.method ?? ''} ${url.pathname}`);
  }

  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    const refuse = (status: string): void => {
      socket.write(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      socket.destroy();
    };
    const me = id.current;
    if (!me) return refuse('503 Service Unavailable');
    const url = requestUrl(req);
    if (!hostAllowed(req, me)) return refuse('421 Misdirected Request');
    if (url?.pathname !== '/api/events') return refuse('404 Not Found');
    if (!originAllowed(req, me)) return refuse('403 Forbidden');
    if (!isAuthorized(req, token)) return refuse('401 Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const sink = coalescingSink((frame) => {
        if (ws.readyState === ws.OPEN) ws.send(frame);
      });
      const off = options.dispatcher.subscribe(sink);
      const unsubscribe = (): void => {
        off();
        sink.drop();
      };
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
  const names = allowedHostNames(host, options.hostNames ?? []);
  id.current = { scheme, port, names };
  const origin = `${scheme}://${shownHost(host)}:${port}`;
  return {
    url: stationUrl(origin, token),
    origin,
    token,
    port,
    names,
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
