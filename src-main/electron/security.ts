/**
 * Secure defaults for every page of the app: no permissions, no navigation away from the app's page, no new windows
 * (https links open in the system browser), no webviews, no downloads, and a Content-Security-Policy header.
 */
import { type App, type Session, shell } from 'electron';
import { contentSecurityPolicy, isExternalLink, isTrustedUrl, type TrustedOrigin } from '../transports/electron-ipc/trust.js';

/** Denies every permission and device request, adds the CSP header to every response, refuses downloads. */
export function hardenSession(session: Session, origin: TrustedOrigin): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.on('will-download', (event) => event.preventDefault());
  const csp = contentSecurityPolicy(origin.devUrl);
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === 'content-security-policy') delete headers[key];
    }
    headers['Content-Security-Policy'] = [csp];
    callback({ responseHeaders: headers });
  });
}

/** Applies the navigation rules to every webContents the app ever creates. */
export function hardenWebContents(app: App, origin: TrustedOrigin): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isTrustedUrl(url, origin)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isTrustedUrl(url, origin)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (isExternalLink(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}
