import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A fresh random token for one station run (printed at start, like Jupyter's). */
export function newToken(): string {
  return randomBytes(24).toString('hex');
}

/** Name of the cookie the station sets after the browser opened /?token=... */
export const TOKEN_COOKIE = 'wb_token';

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The token a request carries: Authorization bearer, the cookie, or ?token= (in that order). */
export function tokenOf(req: IncomingMessage, url: URL): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const cookie = req.headers.cookie ?? '';
  for (const part of cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === TOKEN_COOKIE) return decodeURIComponent(v.join('='));
  }
  return url.searchParams.get('token');
}

/** True when the request carries the station's token. */
export function isAuthorized(req: IncomingMessage, url: URL, token: string): boolean {
  const given = tokenOf(req, url);
  return given !== null && safeEqual(given, token);
}

/** True when a browser's Origin header (if any) is this station itself (no cross-site use of the cookie). */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
