/**
 * Secure defaults for every page of the app: no permissions, no navigation away from the app's page, no new windows
 * (https links open in the system browser), no webviews, no downloads, and a Content-Security-Policy header.
 * Types only from Electron: the policy takes the Electron objects it hardens (and shell.openExternal) as arguments,
 * so unit tests drive it with fakes through the same interfaces (test/unit/electron-security.test.ts).
 */
import type { App, Session, WebContents } from 'electron';
import { contentSecurityPolicy, isExternalLink, isTrustedUrl, type TrustedOrigin } from '../transports/electron-ipc/trust.js';

/** The part of a Session the policy uses. */
export type SessionLike = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'> & {
  on(event: 'will-download', listener: (event: { preventDefault(): void }) => void): unknown;
  webRequest: Pick<Session['webRequest'], 'onHeadersReceived'>;
};

/** The part of a WebContents the policy uses. */
export type WebContentsLike = Pick<WebContents, 'setWindowOpenHandler'> & {
  on(event: 'will-navigate' | 'will-redirect' | 'will-attach-webview', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
};

/** The part of the App the policy uses. */
export interface AppLike {
  on(event: 'web-contents-created', listener: (event: unknown, contents: WebContentsLike) => void): unknown;
}

/** Hands a link to the system browser (shell.openExternal in the app). */
export type OpenExternal = (url: string) => Promise<void>;

/** Response headers with the app's CSP in force: any CSP the response carried is replaced, not merged. */
export function withCsp(headers: Record<string, string[]> | undefined, csp: string): Record<string, string[]> {
  const out: Record<string, string[]> = { ...headers };
  for (const key of Object.keys(out)) {
    if (key.toLowerCase() === 'content-security-policy') delete out[key];
  }
  out['Content-Security-Policy'] = [csp];
  return out;
}

/** Denies every permission and device request, adds the CSP header to every response, refuses downloads. */
export function hardenSession(session: SessionLike, origin: TrustedOrigin): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.on('will-download', (event) => event.preventDefault());
  const csp = contentSecurityPolicy(origin.devUrl);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCsp(details.responseHeaders, csp) });
  });
}

/** Applies the navigation rules to one webContents: only the app's page, no webviews, no new windows. */
export function hardenContents(contents: WebContentsLike, origin: TrustedOrigin, openExternal: OpenExternal): void {
  contents.on('will-navigate', (event, url) => {
    if (!isTrustedUrl(url, origin)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isTrustedUrl(url, origin)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) void openExternal(url).catch(() => undefined);
    return { action: 'deny' };
  });
}

/** Applies the navigation rules to every webContents the app ever creates. */
export function hardenWebContents(app: AppLike | App, origin: TrustedOrigin, openExternal: OpenExternal): void {
  (app as AppLike).on('web-contents-created', (_event, contents) => hardenContents(contents, origin, openExternal));
}

/** Opens a link in the system browser only when it is https (the menu's links go through this too). */
export function openExternalHttps(url: string, openExternal: OpenExternal): boolean {
  if (!isExternalLink(url)) return false;
  void openExternal(url).catch(() => undefined);
  return true;
}
