import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A fresh random token for one station run (printed at start, in the URL's fragment). */
export function newToken(): string {
  return randomBytes(24).toString('hex');
}

/** The WebSocket subprotocol of the station's event stream (the one the server echoes: it holds no secret). */
export const EVENTS_PROTOCOL = 'walt-bench.v1';

/** Prefix of the WebSocket subprotocol that carries the token from a browser (`token.<hex>`; never echoed). */
export const TOKEN_PROTOCOL_PREFIX = 'token.';

/** The URL a technician opens: the token rides in the fragment, which browsers never send to any server. */
export function stationUrl(origin: string, token: string): string {
  return `${origin}/#token=${token}`;
}

/** Constant-time equality of two strings (false when their lengths differ). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The offered subprotocols of a WebSocket upgrade, in order. */
export function offeredProtocols(req: IncomingMessage): string[] {
  const header = req.headers['sec-websocket-protocol'];
  if (!header) return [];
  return header
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

/**
 * The token a request carries: `Authorization: Bearer <hex>` (HTTP, and non-browser socket clients), or the
 * `token.<hex>` subprotocol of a browser's WebSocket (a browser cannot set headers on a socket). Never a cookie (a
 * cookie of 127.0.0.1 goes to every port of it) and never the URL (it ends up in logs and history).
 */
export function tokenOf(req: IncomingMessage): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const offered = offeredProtocols(req).find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX));
  return offered ? offered.slice(TOKEN_PROTOCOL_PREFIX.length) : null;
}

/** True when the request carries the station's token (compared in constant time). */
export function isAuthorized(req: IncomingMessage, token: string): boolean {
  const given = tokenOf(req);
  return given !== null && safeEqual(given, token);
}
