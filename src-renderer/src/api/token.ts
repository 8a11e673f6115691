const KEY = 'wb_token';

/**
 * The station token: taken from `?token=` on first load (then kept in sessionStorage and removed from the address
 * bar so it does not end up in screenshots or history), else from sessionStorage.
 */
export function takeStationToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      sessionStorage.setItem(KEY, fromUrl);
    } catch {
      // storage refused (private mode): the cookie set by the server still authenticates
    }
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}
