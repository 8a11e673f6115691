/**
 * Which pages the Electron app trusts, and the Content-Security-Policy it serves them with. No Electron import, so
 * unit tests run it under plain Node.
 */
import { pathToFileURL } from 'node:url';

/** Where the app's page comes from: the built index.html, or the dev server in development. */
export interface TrustedOrigin {
  /** Absolute path of dist/renderer/index.html. */
  indexFile: string;
  /** WALT_BENCH_DEV_URL when set (e.g. http://localhost:5173/). */
  devUrl?: string;
}

/** True when a URL is the app's own page: the same index file, or the dev server's origin. */
export function isTrustedUrl(url: string, origin: TrustedOrigin): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (origin.devUrl) {
    try {
      const dev = new URL(origin.devUrl);
      if ((dev.protocol === 'http:' || dev.protocol === 'https:') && u.origin === dev.origin) return true;
    } catch {
      // An unparsable dev URL trusts nothing.
    }
  }
  return u.protocol === 'file:' && u.host === '' && u.pathname === pathToFileURL(origin.indexFile).pathname;
}

/** True for a link the app may hand to the system browser: https only. */
export function isExternalLink(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * The Content-Security-Policy header of the app's page, on top of index.html's meta tag (file:// responses carry no
 * headers, so the meta tag is what holds there). The dev server needs inline scripts and styles and its HMR socket.
 */
export function contentSecurityPolicy(devUrl?: string): string {
  const dev = devUrl ? new URL(devUrl) : null;
  const hmr = dev ? ` ${dev.protocol === 'https:' ? 'wss:' : 'ws:'}//${dev.host}` : '';
  return [
    "default-src 'none'",
    dev ? "script-src 'self' 'unsafe-inline'" : "script-src 'self'",
    dev ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${hmr}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
