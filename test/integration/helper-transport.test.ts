/**
 * The privileged helper transport end to end: the BUILT helper (dist/main/transports/helper/helper-main.js, so run
 * `npx tsc -p tsconfig.json` first) started with elevate 'none' (these tests run as root), spoken to over its stdio.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EventPayload } from '../../src-main/api/contract.js';
import { ApiError } from '../../src-main/api/errors.js';
import { type HelperClient, startHelper } from '../../src-main/transports/helper/helper-client.js';
import { MAX_REQUEST_LINE, TOKEN_DIR, tokenFileName } from '../../src-main/transports/helper/protocol.js';

const script = resolve(__dirname, '..', '..', 'dist', 'main', 'transports', 'helper', 'helper-main.js');

/** A fresh state home (WALT_BENCH_HOME) for one test. */
function tempHome(): string {
  return mkdtempSync(join(tmpdir(), 'wb-helper-'));
}

/** Spawns the built helper directly, as the client would, and collects its output. */
function rawHelper(home: string) {
  const child = spawn(process.execPath, [script, '--home', home], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<number | null>((res) => child.once('close', (code) => res(code)));
  return { child, exit, out: () => stdout, err: () => stderr };
}

/** Writes the token file the helper looks for (named after its parent: this test process). */
function writeToken(home: string, token: string): void {
  mkdirSync(join(home, TOKEN_DIR), { recursive: true, mode: 0o700 });
  writeFileSync(join(home, TOKEN_DIR, tokenFileName(process.pid)), `${token}\n`, { mode: 0o600 });
}

/** Waits until a predicate holds (polling), or fails after a timeout. */
async function waitFor(what: string, pred: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Asserts a promise rejects with an ApiError of a code. */
async function rejectsWithCode(p: Promise<unknown>, code: string): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ApiError, `expected an ApiError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected a rejection with ${code}`);
}

before(() => {
  assert.ok(existsSync(script), `${script} is missing: run \`npx tsc -p tsconfig.json\` first`);
});

describe('helper transport (elevate: none)', () => {
  const home = tempHome();
  let client: HelperClient;

  before(async () => {
    client = await startHelper({ home, elevate: 'none', script, readyTimeoutMs: 30_000 });
  });
  after(async () => {
    await client.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('answers app.info from the helper, with the given home', async () => {
    const info = await client.call('app.info', {});
    assert.equal(info.home, home);
    assert.equal(info.privileged, process.getuid?.() === 0);
    assert.equal(info.platform, process.platform);
    assert.ok(!existsSync(join(home, TOKEN_DIR, tokenFileName(process.pid))), 'the token file is removed');
  });

  it('gets and sets settings, and pushes the drives.changed event that follows', async () => {
    const before = await client.call('settings.get', {});
    const changed = new Promise<EventPayload<'drives.changed'>>((res) => {
      const off = client.on('drives.changed', (p) => {
        off();
        res(p);
      });
    });
    const after = await client.call('settings.set', { verify: !before.verify });
    assert.equal(after.verify, !before.verify);
    assert.deepEqual(await client.call('settings.get', {}), after);
    const event = await changed;
    assert.ok(Array.isArray(event.drives));
  });

  it('answers an unknown command with unknown-command', async () => {
    await rejectsWithCode(client.dispatch('drives.format', {}), 'unknown-command');
  });

  it('answers invalid input with bad-request', async () => {
    const e = await rejectsWithCode(client.dispatch('settings.set', { verify: 'yes' }), 'bad-request');
    assert.match(e.message, /verify/);
    await rejectsWithCode(client.dispatch('journal.list', { limit: -1 }), 'bad-request');
  });

  it('serves concurrent calls, each answered under its own id', async () => {
    const [a, b, c] = await Promise.all([
      client.call('app.info', {}),
      client.call('settings.get', {}),
      client.dispatch('nope', {}).catch((e: unknown) => e),
    ]);
    assert.equal(a.home, home);
    assert.equal(typeof b.verify, 'boolean');
    assert.ok(c instanceof ApiError && c.code === 'unknown-command');
  });
});

describe('helper authentication and protocol limits', () => {
  it('gives no answer to a wrong token, and exits', async () => {
    const home = tempHome();
    try {
      writeToken(home, randomBytes(32).toString('hex'));
      const h = rawHelper(home);
      h.child.stdin.write(`${randomBytes(32).toString('hex')}\n`);
      h.child.stdin.write('{"id":1,"name":"app.info","input":{}}\n');
      const code = await h.exit;
      assert.notEqual(code, 0);
      assert.equal(h.out(), '', 'nothing on stdout');
      assert.match(h.err(), /wrong token/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('refuses a token file others can read, and a home of another user', async () => {
    const home = tempHome();
    try {
      const token = randomBytes(32).toString('hex');
      writeToken(home, token);
      chmodSync(join(home, TOKEN_DIR, tokenFileName(process.pid)), 0o644);
      const h = rawHelper(home);
      h.child.stdin.write(`${token}\n`);
      assert.equal(await h.exit, 2);
      assert.equal(h.out(), '');
      assert.match(h.err(), /not a private token file/);
      if (process.getuid?.() !== 0) return; // Giving the home to another user needs root.
      writeToken(home, token);
      chmodSync(join(home, TOKEN_DIR, tokenFileName(process.pid)), 0o600);
      chownSync(home, 4242, 4242);
      const other = rawHelper(home);
      other.child.stdin.write(`${token}\n`);
      assert.equal(await other.exit, 2);
      assert.match(other.err(), /does not belong to the calling user/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('refuses a state folder writable by every user', async () => {
    const home = tempHome();
    try {
      const token = randomBytes(32).toString('hex');
      writeToken(home, token);
      chmodSync(home, 0o777);
      const h = rawHelper(home);
      h.child.stdin.write(`${token}\n`);
      assert.equal(await h.exit, 2);
      assert.equal(h.out(), '');
      assert.match(h.err(), /unsafe state folder: .* is writable by every user \(mode 0777\)/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('exits at once without a token file', async () => {
    const home = tempHome();
    try {
      const h = rawHelper(home);
      h.child.stdin.write('whatever\n');
      assert.equal(await h.exit, 2);
      assert.equal(h.out(), '');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('refuses extra arguments', async () => {
    const home = tempHome();
    try {
      const child = spawn(process.execPath, [script, '--home', home, '--token', 'x'], { stdio: 'pipe' });
      const code = await new Promise<number | null>((res) => child.once('close', res));
      assert.equal(code, 2);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('answers an oversized line with an error, drops it, and keeps serving', async () => {
    const home = tempHome();
    try {
      const token = randomBytes(32).toString('hex');
      writeToken(home, token);
      const h = rawHelper(home);
      h.child.stdin.write(`${token}\n`);
      await waitFor('ready', () => h.out().includes('"ready":true'));
      h.child.stdin.write(`{"id":1,"name":"app.info","input":{"x":"${'a'.repeat(MAX_REQUEST_LINE + 10)}"}}\n`);
      h.child.stdin.write('not json\n');
      h.child.stdin.write('{"id":2,"name":"app.info","input":{}}\n');
      await waitFor('answer 2', () => h.out().includes('"id":2'));
      const lines = h
        .out()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id?: unknown; ok?: boolean; error?: { code: string; message: string } });
      const errors = lines.filter((l) => l.ok === false);
      assert.equal(errors.length, 2, JSON.stringify(lines));
      assert.ok(errors.every((l) => l.id === null && l.error?.code === 'bad-request'));
      assert.match(errors[0]?.error?.message ?? '', /over 1048576 bytes/);
      assert.ok(lines.some((l) => l.id === 2 && l.ok === true));
      assert.ok(!lines.some((l) => l.id === 1), 'the oversized request is not run');
      h.child.stdin.end();
      assert.equal(await h.exit, 0, 'exits cleanly when stdin closes');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('rejects calls with the cause once the helper is gone', async () => {
    const home = tempHome();
    try {
      const client = await startHelper({ home, elevate: 'none', script, readyTimeoutMs: 30_000 });
      assert.ok(client.pid);
      process.kill(client.pid, 'SIGKILL');
      await waitFor('exit', () => {
        try {
          process.kill(client.pid ?? 0, 0);
          return false;
        } catch {
          return true;
        }
      });
      await new Promise((r) => setTimeout(r, 50));
      const e = await rejectsWithCode(client.call('app.info', {}), 'internal');
      assert.match(e.message, /privileged helper exited \(SIGKILL\)/);
      await client.close();
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('helper: a message without its token, malformed messages, a parent that goes away', () => {
  it('a request sent in place of the token gets no answer, and the helper exits', async () => {
    const home = tempHome();
    try {
      writeToken(home, randomBytes(32).toString('hex'));
      const h = rawHelper(home);
      h.child.stdin.write('{"id":1,"name":"app.info","input":{}}\n');
      assert.equal(await h.exit, 2);
      assert.equal(h.out(), '', 'nothing on stdout: not even an error');
      assert.match(h.err(), /wrong token/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('answers each malformed request with bad-request naming what is wrong, runs none, and keeps serving', async () => {
    const home = tempHome();
    const token = randomBytes(32).toString('hex');
    writeToken(home, token);
    const h = rawHelper(home);
    try {
      h.child.stdin.write(`${token}\n`);
      await waitFor('ready', () => h.out().includes('"ready":true'));
      const bad = ['[1,2]', 'null', '"app.info"', '{"name":"app.info","input":{}}', '{"id":{"x":1},"name":"app.info"}', '{"id":7}', '{"id":8,"name":42}', '{"id":9,"name":"app.info","input":"x"}', '{"id":10,"name":"settings.set","input":{"verify":"yes"}}', '{"id":11,"name":"app.info"'];
      for (const line of bad) h.child.stdin.write(`${line}\n`);
      h.child.stdin.write('{"id":12,"name":"app.info","input":{}}\n');
      await waitFor('answer 12', () => h.out().includes('"id":12'));
      const lines = h.out().trim().split('\n').map((l) => JSON.parse(l) as { id?: unknown; ok?: boolean; error?: { code: string; message: string } });
      const errors = lines.filter((l) => l.ok === false);
      assert.equal(errors.length, bad.length, JSON.stringify(lines));
      assert.ok(errors.every((l) => l.error?.code === 'bad-request'), JSON.stringify(errors));
      const message = (id: unknown) => errors.find((l) => l.id === id)?.error?.message ?? '';
      assert.equal(errors.filter((l) => l.id === null && /a request is a JSON object/.test(l.error!.message)).length, 2, 'null, a string');
      assert.equal(errors.filter((l) => l.id === null && /needs an id/.test(l.error!.message)).length, 3, 'an array, no id, an object as id');
      assert.match(message(7), /needs a command name/);
      assert.match(message(8), /needs a command name/);
      assert.match(message(9), /app\.info: input/);
      assert.match(message(10), /settings\.set: verify/);
      assert.ok(errors.some((l) => l.id === null && /JSON/.test(l.error!.message)), 'the cut line is a JSON syntax error');
      assert.ok(lines.some((l) => l.id === 12 && l.ok === true), 'still serving');
      h.child.stdin.end();
      assert.equal(await h.exit, 0);
    } finally {
      h.child.kill('SIGKILL');
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('exits when its parent goes away, even while its stdin stays open elsewhere', async () => {
    const home = tempHome();
    // The helper's stdin is a FIFO this test holds open read-write: the parent dying closes nothing, so only the
    // parent watch can end the helper (a ChildProcess's stdin pipe would be closed by Node when the parent exits).
    const fifo = join(home, 'stdin.fifo');
    execFileSync('mkfifo', ['-m', '600', fifo]);
    const stdin = openSync(fifo, 'r+');
    const token = randomBytes(32).toString('hex');
    // The parent writes the token file named after itself, then runs the helper on the stdin it got from this test,
    // its stdout, and a log file for stderr.
    const parentCode = `
      const { spawn } = require('node:child_process');
      const { mkdirSync, openSync, writeFileSync } = require('node:fs');
      const { join } = require('node:path');
      const [script, home, dir, name, token] = process.argv.slice(1);
      mkdirSync(join(home, dir), { recursive: true, mode: 0o700 });
      writeFileSync(join(home, dir, name.replace('PID', String(process.pid))), token + '\\n', { mode: 0o600 });
      const h = spawn(process.execPath, [script, '--home', home], { stdio: ['inherit', 'inherit', openSync(join(home, 'helper.log'), 'a')] });
      process.stderr.write('helper-pid ' + h.pid + '\\n');
      setInterval(() => undefined, 1000);`;
    const parent = spawn(process.execPath, ['-e', parentCode, script, home, TOKEN_DIR, tokenFileName(0).replace('0', 'PID'), token], { stdio: [stdin, 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    parent.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    parent.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    let helperPid = 0;
    const alive = (): boolean => {
      try {
        process.kill(helperPid, 0);
        return true;
      } catch {
        return false;
      }
    };
    try {
      await waitFor('the helper pid', () => /helper-pid \d+/.test(err));
      helperPid = Number(/helper-pid (\d+)/.exec(err)![1]);
      writeSync(stdin, `${token}\n`);
      await waitFor('ready', () => out.includes('"ready":true'), 30_000);
      await new Promise((r) => setTimeout(r, 1200));
      assert.ok(alive(), 'the helper stays while its parent lives');
      process.kill(parent.pid!, 'SIGKILL');
      await waitFor('the helper to exit', () => !alive(), 5000);
      assert.match(readFileSync(join(home, 'helper.log'), 'utf8'), new RegExp(`parent process ${parent.pid} is gone: exiting`));
    } finally {
      if (helperPid && alive()) process.kill(helperPid, 'SIGKILL');
      if (parent.exitCode === null && parent.signalCode === null) parent.kill('SIGKILL');
      closeSync(stdin);
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('least privilege: the helper runs only what needs root', () => {
  it('refuses fs.list, serial.open, log exports, card.build and the catalog: they need no root', async () => {
    const home = tempHome();
    try {
      const client = await startHelper({ home, elevate: 'none', script, readyTimeoutMs: 30_000 });
      try {
        const calls: [string, unknown][] = [
          ['fs.list', { dir: '/root' }],
          ['serial.open', { path: '/dev/ttyS0' }],
          ['serial.logs.export', { name: 'x.log', to: '/root/.bashrc', overwrite: true }],
          ['card.build', { source: '/etc', output: '/etc/x.img' }],
          ['catalog.download', { artifact: 'rpi-sd-files' }],
        ];
        for (const [name, input] of calls) {
          const e = await rejectsWithCode(client.dispatch(name, input), 'refused');
          assert.match(e.message, new RegExp(`^${name.replace('.', '\\.')} does not run in the privileged helper`));
        }
        assert.equal((await client.call('app.info', {})).home, home, 'and keeps serving what needs root');
      } finally {
        await client.close();
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('working for a user (PKEXEC_UID): an image root, a console port or a card file not theirs is refused', { skip: process.getuid?.() === 0 ? false : 'needs root' }, async () => {
    const nobody = 65534;
    const home = tempHome();
    const rootsImage = join(tmpdir(), `wb-roots-${process.pid}.img`);
    try {
      chownSync(home, nobody, nobody);
      const token = randomBytes(32).toString('hex');
      writeToken(home, token);
      chownSync(join(home, TOKEN_DIR), nobody, nobody);
      chownSync(join(home, TOKEN_DIR, tokenFileName(process.pid)), nobody, nobody);
      writeFileSync(rootsImage, Buffer.alloc(1 << 20), { mode: 0o644 });
      const child = spawn(process.execPath, [script, '--home', home], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PKEXEC_UID: String(nobody) } });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const exit = new Promise<number | null>((res) => child.once('close', (code) => res(code)));
      child.stdin.write(`${token}\n`);
      await waitFor('ready', () => out.includes('"ready":true'), 20_000);
      const requests: [string, unknown, string, RegExp][] = [
        ['bench.start', { iface: 'lo', mode: 'serve', root: '/etc' }, 'permission', /\/etc belongs to uid 0: the bench serves only a folder of the calling user \(uid 65534\)/],
        ['check.start', { iface: 'lo', expect: 'rpi-4-b', port: '/dev/ttyS0' }, 'permission', /\/dev\/ttyS0: uid 65534 may not open it/],
        ['card.rearm', { path: rootsImage }, 'permission', /uid 65534 may not edit it/],
        ['fs.list', { dir: '/' }, 'refused', /does not run in the privileged helper/],
      ];
      requests.forEach(([name, input], i) => child.stdin.write(`${JSON.stringify({ id: i + 1, name, input })}\n`));
      await waitFor('answers', () => requests.every((_, i) => out.includes(`"id":${i + 1},`)), 20_000);
      const answers = out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id?: number; ok?: boolean; error?: { code: string; message: string } });
      requests.forEach(([name, , code, message], i) => {
        const a = answers.find((x) => x.id === i + 1);
        assert.equal(a?.ok, false, `${name}: ${JSON.stringify(a)}`);
        assert.equal(a?.error?.code, code, `${name}: ${a?.error?.message}`);
        assert.match(a?.error?.message ?? '', message, name);
      });
      assert.ok(statSync(rootsImage).size === 1 << 20, 'the image is untouched');
      child.stdin.end();
      assert.equal(await exit, 0);
    } finally {
      rmSync(home, { recursive: true, force: true });
      rmSync(rootsImage, { force: true });
    }
  });
});
