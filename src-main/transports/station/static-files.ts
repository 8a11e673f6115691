import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
};

/** The `connect-src` of a station page: its own origin and its own event socket, nothing else. */
export function connectSrc(origin: string): string {
  const socket = origin.replace(/^http/, 'ws');
  return `connect-src 'self' ${origin} ${socket}`;
}

/** Content-Security-Policy of every page the station serves (`origin`: the station's own, e.g. http://127.0.0.1:8717). */
export function stationCsp(origin: string): string {
  return (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
    `${connectSrc(origin)}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'`
  );
}

/** Headers of every station answer: no referrer, no sniffing, no framing. */
export const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
} as const;

/** index.html with its CSP meta tag's connect-src narrowed to the station's own origin (the file says only 'self'). */
function pageWithOrigin(html: string, origin: string): string {
  return html.replace(/connect-src [^;"]*/, connectSrc(origin));
}

/**
 * Serves a file of the built UI, jailed to its root; unknown paths fall back to index.html. `urlPath` is already
 * %-decoded (a bad encoding was answered 400 before). Static files hold no secret: they need no token.
 */
export async function serveStatic(root: string, urlPath: string, origin: string, res: ServerResponse): Promise<void> {
  const rel = normalize(urlPath).replace(/^([/\\])+/, '');
  let file = join(root, rel);
  if ((!file.startsWith(root + sep) && file !== root) || urlPath.includes('\0')) {
    res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', ...COMMON_HEADERS }).end('forbidden');
    return;
  }
  let st = await stat(file).catch(() => null);
  if (!st || st.isDirectory()) {
    file = join(root, 'index.html');
    st = await stat(file).catch(() => null);
  }
  if (!st) {
    res
      .writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...COMMON_HEADERS })
      .end(`the UI is not built (${root}): run npm run build`);
    return;
  }
  const page = file.endsWith('.html');
  const headers = {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-security-policy': stationCsp(origin),
    ...COMMON_HEADERS,
    'cache-control': page ? 'no-store' : 'max-age=3600',
  };
  if (page) {
    const body = Buffer.from(pageWithOrigin(await readFile(file, 'utf8'), origin));
    res.writeHead(200, { ...headers, 'content-length': body.length }).end(body);
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': st.size });
  createReadStream(file).pipe(res);
}
