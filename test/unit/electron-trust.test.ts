/** Which pages the Electron transport trusts, and the CSP it serves (src-main/transports/electron-ipc/trust.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentSecurityPolicy, isExternalLink, isTrustedUrl } from '../../src-main/transports/electron-ipc/trust.js';

const origin = { indexFile: '/opt/walt bench/resources/app.asar/dist/renderer/index.html' };

describe('isTrustedUrl', () => {
  it('trusts the app index (with a hash or query) and nothing else on file://', () => {
    assert.ok(isTrustedUrl('file:///opt/walt%20bench/resources/app.asar/dist/renderer/index.html', origin));
    assert.ok(isTrustedUrl('file:///opt/walt%20bench/resources/app.asar/dist/renderer/index.html#/flash', origin));
    assert.ok(!isTrustedUrl('file:///opt/walt%20bench/resources/app.asar/dist/renderer/other.html', origin));
    assert.ok(!isTrustedUrl('file:///etc/passwd', origin));
    assert.ok(!isTrustedUrl('file://evil.example/opt/walt%20bench/resources/app.asar/dist/renderer/index.html', origin));
    assert.ok(!isTrustedUrl('https://example.com/', origin));
    assert.ok(!isTrustedUrl('not a url', origin));
  });

  it('trusts the dev server origin only when one is given', () => {
    const dev = { ...origin, devUrl: 'http://localhost:5173/' };
    assert.ok(isTrustedUrl('http://localhost:5173/src/main.tsx', dev));
    assert.ok(!isTrustedUrl('http://localhost:5174/', dev));
    assert.ok(!isTrustedUrl('http://localhost:5173/', origin));
    assert.ok(!isTrustedUrl('about:blank', { ...origin, devUrl: 'about:blank' }));
  });
});

describe('isExternalLink', () => {
  it('accepts https only', () => {
    assert.ok(isExternalLink('https://walt-project.liglab.fr/'));
    for (const url of ['http://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', '']) {
      assert.ok(!isExternalLink(url), url);
    }
  });
});

describe('contentSecurityPolicy', () => {
  it('allows no inline script in production, and the HMR socket in development', () => {
    const prod = contentSecurityPolicy();
    assert.match(prod, /script-src 'self'(;|$)/);
    assert.match(prod, /default-src 'none'/);
    assert.match(prod, /object-src 'none'/);
    assert.doesNotMatch(prod, /unsafe-inline/);
    const dev = contentSecurityPolicy('http://localhost:5173/');
    assert.match(dev, /connect-src 'self' ws:\/\/localhost:5173/);
  });
});
