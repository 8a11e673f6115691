/**
 * The Electron security checklist, checked under plain Node (Electron's binary cannot be downloaded here): the policy
 * functions of src-main/electron/security.ts driven with fakes of a Session and a WebContents through the same
 * interfaces, the exact BrowserWindow options, the IPC sender and payload checks, the preload run in a sandbox with a
 * fake 'electron' module, and the renderer's CSP meta tag.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runInNewContext } from 'node:vm';
import ts from 'typescript';
import { hardenContents, hardenSession, hardenWebContents, openExternalHttps, type SessionLike, type WebContentsLike } from '../../src-main/electron/security.js';
import { mainWindowOptions, secureWebPreferences } from '../../src-main/electron/window-options.js';
import { parseCallRequest, senderIsTrusted } from '../../src-main/transports/electron-ipc/sender-check.js';
import { contentSecurityPolicy } from '../../src-main/transports/electron-ipc/trust.js';

const ROOT = join(__dirname, '..', '..');
const INDEX = '/opt/walt-bench/resources/app.asar/dist/renderer/index.html';
const APP_URL = `file://${INDEX}#/flash`;
const origin = { indexFile: INDEX };

type Listener = (...args: never[]) => unknown;

/** A fake Session recording the handlers the policy installs. */
function fakeSession(): { session: SessionLike; handlers: Map<string, Listener> } {
  const handlers = new Map<string, Listener>();
  const session = {
    setPermissionRequestHandler: (h: Listener) => handlers.set('permission-request', h),
    setPermissionCheckHandler: (h: Listener) => handlers.set('permission-check', h),
    setDevicePermissionHandler: (h: Listener) => handlers.set('device', h),
    on: (event: string, h: Listener) => handlers.set(event, h),
    webRequest: { onHeadersReceived: (h: Listener) => handlers.set('headers', h) },
  };
  return { session: session as unknown as SessionLike, handlers };
}

/** A fake WebContents: emits will-navigate & co. to what the policy registered, and opens windows through its handler. */
function fakeContents(): {
  contents: WebContentsLike;
  emit(event: string, url: string): boolean;
  open(url: string): unknown;
} {
  const listeners = new Map<string, Listener[]>();
  let openHandler: ((d: { url: string }) => unknown) | null = null;
  const contents = {
    on: (event: string, l: Listener) => listeners.set(event, [...(listeners.get(event) ?? []), l]),
    setWindowOpenHandler: (h: (d: { url: string }) => unknown) => {
      openHandler = h;
    },
  };
  return {
    contents: contents as unknown as WebContentsLike,
    emit(event, url) {
      let prevented = false;
      const ev = { preventDefault: () => (prevented = true) };
      for (const l of listeners.get(event) ?? []) (l as (e: unknown, u: string) => void)(ev, url);
      return prevented;
    },
    open(url) {
      assert.ok(openHandler, 'a window open handler is set');
      return openHandler({ url });
    },
  };
}

describe('hardenSession (fake session)', () => {
  it('denies every permission request and check, every device, and every download', () => {
    const { session, handlers } = fakeSession();
    hardenSession(session, origin);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'serial', 'usb']) {
      let granted: boolean | null = null;
      (handlers.get('permission-request') as (c: unknown, p: string, cb: (g: boolean) => void) => void)({}, permission, (g) => (granted = g));
      assert.equal(granted, false, permission);
      assert.equal((handlers.get('permission-check') as (c: unknown, p: string) => boolean)({}, permission), false);
    }
    assert.equal((handlers.get('device') as (d: unknown) => boolean)({ deviceType: 'serial' }), false);
    let prevented = false;
    (handlers.get('will-download') as (e: { preventDefault(): void }) => void)({ preventDefault: () => (prevented = true) });
    assert.ok(prevented);
  });

  it('serves every response with the app CSP, replacing one the response carried (any case)', () => {
    const { session, handlers } = fakeSession();
    hardenSession(session, origin);
    let out: Record<string, string[]> = {};
    (handlers.get('headers') as (d: unknown, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void)(
      { responseHeaders: { 'content-security-policy': ["default-src *; script-src 'unsafe-inline'"], 'X-Other': ['1'] } },
      (r) => (out = r.responseHeaders),
    );
    assert.deepEqual(Object.keys(out).sort(), ['Content-Security-Policy', 'X-Other']);
    assert.deepEqual(out['Content-Security-Policy'], [contentSecurityPolicy()]);
    assert.doesNotMatch(out['Content-Security-Policy']![0]!, /unsafe|\*/);
  });
});

describe('hardenContents (fake webContents)', () => {
  it('lets the app page navigate to itself, and stops every other navigation, redirect and webview', () => {
    const f = fakeContents();
    hardenContents(f.contents, origin, async () => undefined);
    assert.equal(f.emit('will-navigate', APP_URL), false);
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'javascript:alert(1)', 'http://localhost:5173/']) {
      assert.equal(f.emit('will-navigate', url), true, url);
      assert.equal(f.emit('will-redirect', url), true, url);
    }
    assert.equal(f.emit('will-attach-webview', APP_URL), true);
  });

  it('denies every new window; only https links go to the system browser', () => {
    const f = fakeContents();
    const opened: string[] = [];
    hardenContents(f.contents, origin, async (url) => void opened.push(url));
    for (const url of ['https://walt-project.liglab.fr/', 'http://example.com/', 'file:///etc/passwd', 'smb://h/s', APP_URL]) {
      assert.deepEqual(f.open(url), { action: 'deny' }, url);
    }
    assert.deepEqual(opened, ['https://walt-project.liglab.fr/']);
  });

  it('is applied to every webContents the app creates', () => {
    let created: ((e: unknown, c: WebContentsLike) => void) | null = null;
    hardenWebContents({ on: (_e: string, l: (e: unknown, c: WebContentsLike) => void) => (created = l) }, origin, async () => undefined);
    const f = fakeContents();
    assert.ok(created);
    (created as (e: unknown, c: WebContentsLike) => void)({}, f.contents);
    assert.equal(f.emit('will-navigate', 'https://evil.example/'), true);
  });

  it('openExternalHttps refuses anything but https', () => {
    const opened: string[] = [];
    const open = async (u: string): Promise<void> => void opened.push(u);
    assert.equal(openExternalHttps('http://x.example/', open), false);
    assert.equal(openExternalHttps('file:///bin/sh', open), false);
    assert.equal(openExternalHttps('https://x.example/', open), true);
    assert.deepEqual(opened, ['https://x.example/']);
  });
});

describe('BrowserWindow options', () => {
  it('are exactly the secure ones', () => {
    assert.deepEqual(secureWebPreferences('/p/preload.js', false), {
      preload: '/p/preload.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: false,
    });
    const win = mainWindowOptions({ preload: '/p/preload.js', icon: '/i.png', devTools: false });
    assert.deepEqual(win.webPreferences, secureWebPreferences('/p/preload.js', false));
    assert.equal(win.show, false);
  });

  it('no source of the main process uses the remote module, disables a protection or creates a window elsewhere', () => {
    const dirs = ['src-main/electron', 'src-main/transports/electron-ipc'];
    for (const dir of dirs) {
      for (const name of readdirSync(join(ROOT, dir))) {
        const file = join(ROOT, dir, name);
        if (!statSync(file).isFile()) continue;
        const text = readFileSync(file, 'utf8');
        assert.doesNotMatch(text, /@electron\/remote|enableRemoteModule|require\(['"]electron['"]\)\.remote/, name);
        assert.doesNotMatch(text, /(contextIsolation|sandbox|webSecurity):\s*false|nodeIntegration:\s*true/, name);
        if (name !== 'window.ts') assert.doesNotMatch(text, /new BrowserWindow\(/, name);
      }
    }
    assert.match(readFileSync(join(ROOT, 'src-main/electron/main.ts'), 'utf8'), /app\.enableSandbox\(\)/);
  });
});

describe('IPC sender and payload checks', () => {
  const win = { isDestroyed: () => false, webContents: { id: 7 } };
  it('accepts the top frame of an app window showing the app page, nothing else', () => {
    assert.ok(senderIsTrusted({ senderFrame: { url: APP_URL, parent: null }, sender: { id: 7 } }, [win], origin));
    assert.ok(!senderIsTrusted({ senderFrame: { url: APP_URL, parent: {} }, sender: { id: 7 } }, [win], origin), 'subframe');
    assert.ok(!senderIsTrusted({ senderFrame: { url: APP_URL, parent: null }, sender: { id: 8 } }, [win], origin), 'other contents');
    assert.ok(!senderIsTrusted({ senderFrame: { url: 'https://evil.example/', parent: null }, sender: { id: 7 } }, [win], origin), 'other page');
    assert.ok(!senderIsTrusted({ senderFrame: null, sender: { id: 7 } }, [win], origin), 'no frame');
    const dead = { ...win, isDestroyed: () => true };
    assert.ok(!senderIsTrusted({ senderFrame: { url: APP_URL, parent: null }, sender: { id: 7 } }, [dead], origin), 'closed window');
  });

  it('takes {name, input} only (the input itself is then validated by the dispatcher zod schemas)', () => {
    assert.deepEqual(parseCallRequest({ name: 'app.info', input: {} }), { name: 'app.info', input: {} });
    for (const bad of [null, 'app.info', [], {}, { name: 3 }, { name: '' }, { name: 'x'.repeat(101) }]) {
      assert.equal(parseCallRequest(bad), null, JSON.stringify(bad));
    }
  });
});

describe('the preload', () => {
  it('requires only electron and exposes exactly window.waltBench with four functions', async () => {
    const source = readFileSync(join(ROOT, 'src-main/transports/electron-ipc/preload.ts'), 'utf8');
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    const required: string[] = [];
    const exposed: [string, Record<string, unknown>][] = [];
    const invoked: unknown[][] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.push([key, api]) },
      ipcRenderer: {
        on: () => undefined,
        invoke: async (...args: unknown[]) => {
          invoked.push(args);
          return { ok: true, result: 'r' };
        },
      },
      webUtils: { getPathForFile: () => '/x' },
    };
    const module = { exports: {} };
    runInNewContext(js, {
      require: (id: string) => {
        required.push(id);
        if (id !== 'electron') throw new Error(`preload may not require ${id}`);
        return electron;
      },
      module,
      exports: module.exports,
      console,
    });
    assert.deepEqual(required, ['electron']);
    assert.equal(exposed.length, 1);
    const [key, api] = exposed[0]!;
    assert.equal(key, 'waltBench');
    assert.deepEqual([...Object.keys(api)].sort(), ['call', 'on', 'pathForFile', 'pickImage']);
    assert.ok(Object.values(api).every((v) => typeof v === 'function'));
    assert.equal(await (api.call as (n: string, i: unknown) => Promise<unknown>)('app.info', {}), 'r');
    assert.deepEqual(JSON.parse(JSON.stringify(invoked)), [['wb:call', { name: 'app.info', input: {} }]]);
    await assert.rejects((api.call as (n: unknown, i: unknown) => Promise<unknown>)(42, {}));
    assert.throws(() => (api.on as (e: string, l: unknown) => void)('not.an.event', () => undefined));
  });
});

describe('the renderer CSP meta tag (file:// pages carry no headers)', () => {
  it('allows no inline or eval script, no plugin, no base or form target, no other origin', () => {
    const html = readFileSync(join(ROOT, 'src-renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
    assert.ok(meta, 'index.html has a CSP meta tag');
    const directives = new Map(meta[1]!.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k!, v]));
    assert.deepEqual(directives.get('script-src'), ["'self'"]);
    assert.deepEqual(directives.get('object-src'), ["'none'"]);
    assert.deepEqual(directives.get('base-uri'), ["'none'"]);
    assert.deepEqual(directives.get('form-action'), ["'none'"]);
    assert.ok(directives.has('default-src'));
    assert.doesNotMatch(meta[1]!, /unsafe-inline|unsafe-eval|\*|https?:/);
  });
});
