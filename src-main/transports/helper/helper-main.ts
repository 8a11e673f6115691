/**
 * The privileged helper's entry point (dist/main/transports/helper/helper-main.js), started as root by pkexec (or
 * directly when the caller is already root) with `--home <dir>` and nothing else. It answers nothing until the first
 * stdin line matches the per-launch token (see protocol.ts), then serves the typed API as JSON lines on its stdio,
 * and exits when stdin closes or its parent goes away (it is reparented: its parent pid changes).
 */
import { timingSafeEqual } from 'node:crypto';
import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync, readSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { toApiError } from '../../api/errors.js';
import type { EventMessage } from '../../api/contract.js';
import type * as BackendModule from '../../services/backend.js';
import type { Backend } from '../../services/backend.js';
import { stateFolderProblem } from '../../services/access/state-files.js';
import { refuseOutsideHelper } from './helper-commands.js';
import { LineSplitter, MAX_REQUEST_LINE, PARENT_POLL_MS, TOKEN_DIR, TOKEN_TIMEOUT_MS, tokenFileName } from './protocol.js';

// stdout carries the protocol only: anything else printing there (console.log in a library) goes to stderr.
const protocolOut = process.stdout.write.bind(process.stdout) as (chunk: string) => boolean;
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;

/** Writes one protocol message as a JSON line. */
function send(message: unknown): void {
  protocolOut(`${JSON.stringify(message)}\n`);
}

/** Logs a line to stderr (the client keeps its tail for error messages). */
function log(message: string): void {
  process.stderr.write(`walt-bench helper: ${message}\n`);
}

/** Parses `--home <dir>`; anything else is refused. */
function parseArgs(argv: string[]): { home: string } {
  if (argv.length !== 2 || argv[0] !== '--home' || !argv[1] || !argv[1].startsWith('/')) {
    throw new Error('usage: helper-main --home <absolute dir>');
  }
  return { home: argv[1] };
}

/** The user the helper works for: pkexec's caller (PKEXEC_UID), else whoever started it (root). */
function clientUid(): number {
  const fromPkexec = Number(process.env.PKEXEC_UID);
  return Number.isInteger(fromPkexec) && fromPkexec >= 0 ? fromPkexec : (process.getuid?.() ?? 0);
}

/** The calling user's uid, primary gid and home folder, from the password database. */
function ownerOf(uid: number, fallbackHome: string): { uid: number; gid: number; home: string } {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (Number(f[2]) === uid && f[3] !== undefined && f[5]) return { uid, gid: Number(f[3]), home: f[5] };
    }
  } catch {
    // no passwd database: fall back below
  }
  return { uid, gid: statSync(fallbackHome).gid, home: fallbackHome };
}

/**
 * Reads (and removes) the token file the client left for this launch. Refuses anything but a small private regular
 * file owned by the client's user, in a home owned by that user (so a caller cannot point the root helper elsewhere).
 */
function readExpectedToken(home: string): Buffer {
  const uid = clientUid();
  const st = lstatSync(home);
  if (st.uid !== uid) throw new Error(`${home} does not belong to the calling user (uid ${uid})`);
  // The state folder must be the caller's own, writable by nobody else (see services/access/state-files.ts).
  const problem = stateFolderProblem(home, st, uid, ownerOf(uid, home).gid);
  if (problem) throw new Error(`unsafe state folder: ${problem}`);
  const file = join(home, TOKEN_DIR, tokenFileName(process.ppid));
  const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size < 16 || st.size > 512 || (st.mode & 0o077) !== 0 || st.uid !== uid) {
      throw new Error(`${file} is not a private token file of uid ${uid}`);
    }
    const buf = Buffer.alloc(st.size);
    const n = readSync(fd, buf, 0, st.size, 0);
    return Buffer.from(buf.subarray(0, n).toString('utf8').trim(), 'utf8');
  } finally {
    closeSync(fd);
    try {
      unlinkSync(file);
    } catch {
      // Already gone: the client removes it too.
    }
  }
}

/** Constant-time comparison of the token line with the expected token. */
function tokenMatches(expected: Buffer, line: string): boolean {
  const got = Buffer.from(line.trim(), 'utf8');
  // Compare equal-length buffers always, so the time spent does not depend on where the line differs.
  const padded = Buffer.alloc(expected.length);
  got.copy(padded, 0, 0, Math.min(got.length, expected.length));
  return timingSafeEqual(padded, expected) && got.length === expected.length;
}

/** A request that is not one (not an object, no id, no name). */
class BadRequest extends Error {}

/** Id of a request as sent (number or string), or null when there is none. */
function requestId(value: unknown): string | number | null {
  return typeof value === 'string' || typeof value === 'number' ? value : null;
}

function main(): void {
  // The process that launched us (pkexec execs in place, so it is the client itself).
  const parent = process.ppid;
  let home: string;
  let expected: Buffer;
  try {
    ({ home } = parseArgs(process.argv.slice(2)));
    expected = readExpectedToken(home);
  } catch (e) {
    log(e instanceof Error ? e.message : String(e));
    process.exit(2);
  }

  let authenticated = false;
  let backend: Promise<Backend> | null = null;
  // A root helper never outlives the app that started it, even when its stdin stays open elsewhere.
  const parentWatch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(parentWatch);
    log(`parent process ${parent} is gone: exiting`);
    void shutdown(backend);
  }, PARENT_POLL_MS);
  parentWatch.unref();
  const tokenTimer = setTimeout(() => {
    log('no token received');
    process.exit(2);
  }, TOKEN_TIMEOUT_MS);

  const handleRequest = async (line: string): Promise<void> => {
    let id: string | number | null = null;
    try {
      const msg: unknown = JSON.parse(line);
      if (typeof msg !== 'object' || msg === null) throw new BadRequest('a request is a JSON object');
      const req = msg as { id?: unknown; name?: unknown; input?: unknown };
      id = requestId(req.id);
      if (id === null) throw new BadRequest('a request needs an id (number or string)');
      if (typeof req.name !== 'string') throw new BadRequest('a request needs a command name');
      // Least privilege: a command that needs no root is refused before its input is even looked at.
      refuseOutsideHelper(req.name);
      const { dispatcher } = await (backend as Promise<Backend>);
      const result = await dispatcher.dispatch(req.name, req.input);
      send({ id, ok: true, result });
    } catch (e) {
      const malformed = e instanceof SyntaxError || e instanceof BadRequest;
      send({ id, ok: false, error: malformed ? { code: 'bad-request', message: e.message } : toApiError(e).toJSON() });
    }
  };

  const splitter = new LineSplitter(
    MAX_REQUEST_LINE,
    (line) => {
      if (!authenticated) {
        if (!tokenMatches(expected, line)) {
          log('wrong token');
          process.exit(2);
        }
        authenticated = true;
        clearTimeout(tokenTimer);
        backend = startBackend(home);
        backend.then(
          () => send({ ready: true }),
          (e: unknown) => {
            log(`cannot start the backend: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
            process.exit(1);
          },
        );
        return;
      }
      if (line.trim() === '') return;
      void handleRequest(line);
    },
    () => {
      if (!authenticated) {
        log('oversized token line');
        process.exit(2);
      }
      const message = `request line over ${MAX_REQUEST_LINE} bytes dropped`;
      send({ id: null, ok: false, error: { code: 'bad-request', message } });
    },
  );

  process.stdin.on('data', (data: Buffer) => splitter.push(data));
  process.stdin.on('end', () => {
    void shutdown(backend);
  });
  process.stdin.on('error', () => {
    void shutdown(backend);
  });
}

/** Builds the backend (loaded only after authentication) and forwards its events. */
async function startBackend(home: string): Promise<Backend> {
  // Loaded only once the caller is authenticated; a CommonJS require, the sure way to load from inside app.asar.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createBackend } = require('../../services/backend.js') as typeof BackendModule;
  const uid = clientUid();
  const backend = await createBackend({ home, ...(uid !== 0 ? { owner: ownerOf(uid, home) } : {}) });
  backend.dispatcher.subscribe((m: EventMessage) => send({ event: m.event, payload: m.payload }));
  return backend;
}

/** Set once shutdown began (stdin closing and the parent going away may both ask for it). */
let shuttingDown = false;

/** Closes the backend (flushes the journal) and exits, once. */
async function shutdown(backend: Promise<Backend> | null): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  try {
    if (backend) await (await backend).close();
  } catch (e) {
    log(`error while closing: ${e instanceof Error ? e.message : String(e)}`);
  }
  process.exit(0);
}

// A stray rejection in a library (etcher-sdk's bundled modules) must not kill every card being written.
process.on('unhandledRejection', (reason) => {
  log(`unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
});
process.on('uncaughtException', (error) => {
  log(`uncaught exception: ${error.stack ?? error.message}`);
});

main();
