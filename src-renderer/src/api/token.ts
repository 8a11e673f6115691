const KEY = 'wb_token';

/** Reads `token=<hex>` out of a URL fragment (`#token=...`), or null. */
export function tokenFromFragment(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const token = params.get('token');
  return token && /^[0-9a-f]{16,128}$/i.test(token) ? token : null;
}

/**
 * The station token: taken from the URL's fragment (`/#token=...`, which the browser never sends to any server) on
 * first load, then kept in sessionStorage (this tab only) and removed from the address bar so it ends up in no
 * screenshot, history entry or Referer; else the one this tab stored earlier. Never a cookie: a cookie of 127.0.0.1
 * would be sent to every other port of 127.0.0.1.
 */
export function takeStationToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = tokenFromFragment(url.hash);
  if (fromUrl || url.hash.includes('token=') || url.searchParams.has('token')) {
    url.hash = '';
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url.pathname + url.search);
  }
  if (fromUrl) {
    try {
      sessionStorage.setItem(KEY, fromUrl);
    } catch {
      // storage refused (private mode): this page still holds the token until it is reloaded
    }
    return fromUrl;
  }
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/**
 * Pasting a restarted station's new URL into the same tab changes only the fragment, which loads nothing: reload
 * the page then, so it starts over with the new token.
 */
export function reloadOnNewToken(): void {
  window.addEventListener('hashchange', () => {
    if (tokenFromFragment(window.location.hash)) window.location.reload();
  });
}
