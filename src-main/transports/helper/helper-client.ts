/**
 * Starts the privileged helper (pkexec on Linux, or directly when already root) and speaks the typed API to it over
 * its stdio. Always spawned with an argument array, never through a shell.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type {
  ApiClient,
  CommandInput,
  CommandName,
  CommandOutput,
  EventMessage,
  EventName,
  EventPayload,
} from '../../api/contract.js';
import { ApiError, toApiError } from '../../api/errors.js';
import { EventListeners } from '../../api/listeners.js';
import { LineSplitter, MAX_RESPONSE_LINE, TOKEN_DIR, tokenFileName } from './protocol.js';

/** How the helper is started. */
export interface StartHelperOptions {
  /** The state directory the helper uses (the caller's user data dir or WALT_BENCH_HOME). */
  home: string;
  /** 'pkexec': elevate through polkit (Linux); 'none': the caller is root already (tests, a station service). */
  elevate: 'pkexec' | 'none';
  /** The Node binary for 'none' (default: this process's, run as Node when it is Electron). */
  nodePath?: string;
  /** The built helper-main.js (default: next to this file, or dist/ when running from sources). */
  script?: string;
  /**
   * A root-owned launcher that pkexec runs instead of `<execPath> <script>` (a packaged Electron app: pkexec clears
   * the environment, so ELECTRON_RUN_AS_NODE must be set by a launcher the polkit policy names).
   */
  launcher?: string;
  /** How long to wait for the helper to be ready (authorization dialog included). */
  readyTimeoutMs?: number;
}

/** A connected helper: the API client plus raw dispatch and event subscription for transports that forward. */
export type HelperClient = ApiClient & {
  /** Sends a command given as untrusted data (the helper validates it). */
  dispatch(name: string, input: unknown): Promise<unknown>;
  /** Receives every event the helper pushes; returns the unsubscribe function. */
  subscribe(sink: (message: EventMessage) => void): () => void;
  /** Ends the helper (it closes its backend) and waits for it to exit. */
  close(): Promise<void>;
  /** The helper's process id (pkexec's, which execs the helper in place). */
  readonly pid: number | undefined;
};

const STDERR_TAIL = 4096;

/** The helper-main.js to run: beside this file once built, else the build output when running from sources. */
function defaultScript(): string {
  const sibling = join(__dirname, 'helper-main.js');
  if (existsSync(sibling)) return sibling;
  return resolve(__dirname, '../../../dist/main/transports/helper/helper-main.js');
}

/** The program and arguments to spawn, and the environment to give it. */
function commandLine(opts: StartHelperOptions, script: string): { file: string; args: string[]; env: NodeJS.ProcessEnv } {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const underElectron = typeof process.versions.electron === 'string';
  if (opts.elevate === 'none') {
    if (underElectron && !opts.nodePath) env.ELECTRON_RUN_AS_NODE = '1';
    return { file: opts.nodePath ?? process.execPath, args: [script, '--home', opts.home], env };
  }
  if (process.platform !== 'linux') {
    throw new ApiError(
      'permission',
      `elevating the helper is not supported yet on ${process.platform}`,
      'run walt-bench as an administrator (or as a station service) on this platform',
    );
  }
  if (opts.launcher) return { file: 'pkexec', args: [opts.launcher, '--home', opts.home], env };
  if (underElectron && !opts.nodePath) {
    // pkexec clears the environment: /usr/bin/env sets ELECTRON_RUN_AS_NODE (development runs; packaged apps pass a
    // launcher that the polkit policy names).
    return {
      file: 'pkexec',
      args: ['/usr/bin/env', 'ELECTRON_RUN_AS_NODE=1', process.execPath, script, '--home', opts.home],
      env,
    };
  }
  return { file: 'pkexec', args: [opts.nodePath ?? process.execPath, script, '--home', opts.home], env };
}

/** Writes the per-launch token where the helper (our child) will look for it. */
function writeTokenFile(home: string, token: string): string {
  const dir = join(home, TOKEN_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, tokenFileName(process.pid));
  rmSync(file, { force: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  return file;
}

/** Starts the helper and resolves once it is authenticated and its backend is up. */
export async function startHelper(opts: StartHelperOptions): Promise<HelperClient> {
  const script = opts.script ?? defaultScript();
  const { file, args, env } = commandLine(opts, script);
  const token = randomBytes(32).toString('hex');
  const tokenFile = writeTokenFile(opts.home, token);

  let child: ChildProcess;
  try {
    child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env, shell: false, windowsHide: true });
  } catch (e) {
    rmSync(tokenFile, { force: true });
    throw e;
  }
  const stdin = child.stdin!;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  const listeners = new EventListeners();
  const sinks = new Set<(m: EventMessage) => void>();
  let nextId = 1;
  let stderrTail = '';
  let exitError: ApiError | null = null;
  let resolveReady: () => void = () => undefined;
  let rejectReady: (e: unknown) => void = () => undefined;
  const ready = new Promise<void>((res, rej) => {
    resolveReady = res;
    rejectReady = rej;
  });
  ready.catch(() => undefined);
  const exited = new Promise<void>((res) => child.once('close', () => res()));

  const handleLine = (line: string): void => {
    if (line.trim() === '') return;
    let msg: { id?: unknown; ok?: unknown; result?: unknown; error?: unknown; event?: unknown; payload?: unknown; ready?: unknown };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      return;
    }
    if (msg.ready === true) {
      resolveReady();
      return;
    }
    if (typeof msg.event === 'string') {
      const message = { event: msg.event, payload: msg.payload } as EventMessage;
      // A failing listener must not break the stream (nor throw out of the pipe's data handler).
      try {
        listeners.deliver(message);
      } catch {
        // The listener's own problem.
      }
      for (const sink of sinks) {
        try {
          sink(message);
        } catch {
          // Same.
        }
      }
      return;
    }
    if (typeof msg.id !== 'number') return;
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.ok === true) p.resolve(msg.result);
    else p.reject(toApiError(msg.error));
  };
  const splitter = new LineSplitter(MAX_RESPONSE_LINE, handleLine, () => undefined);
  child.stdout!.on('data', (d: Buffer) => splitter.push(d));
  child.stderr!.on('data', (d: Buffer) => {
    stderrTail = (stderrTail + d.toString('utf8')).slice(-STDERR_TAIL);
  });

  const fail = (err: ApiError): void => {
    if (exitError) return;
    exitError = err;
    rmSync(tokenFile, { force: true });
    rejectReady(err);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  child.once('error', (e) => {
    const hint = file === 'pkexec' ? 'install polkit (Debian: apt install pkexec) or run walt-bench as root' : undefined;
    fail(new ApiError('internal', `cannot start the privileged helper (${file}): ${e.message}`, hint));
  });
  child.once('close', (code, signal) => {
    const tail = stderrTail.trim();
    const why = tail ? `: ${tail}` : '';
    if (opts.elevate === 'pkexec' && (code === 126 || code === 127)) {
      fail(new ApiError('permission', `authorization was refused or could not be obtained (pkexec exit ${code})${why}`));
    } else {
      fail(new ApiError('internal', `the privileged helper exited (${signal ?? `code ${code}`})${why}`));
    }
  });
  stdin.on('error', () => undefined);
  stdin.write(`${token}\n`);

  const timeoutMs = opts.readyTimeoutMs ?? 120_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ready,
      new Promise<never>((_, rej) => {
        timer = setTimeout(
          () => rej(new ApiError('internal', `the privileged helper was not ready after ${timeoutMs / 1000} s`)),
          timeoutMs,
        );
      }),
    ]);
  } catch (e) {
    stdin.end();
    child.kill();
    throw e;
  } finally {
    clearTimeout(timer);
    rmSync(tokenFile, { force: true });
  }

  const dispatch = (name: string, input: unknown): Promise<unknown> => {
    if (exitError) return Promise.reject(exitError);
    const id = nextId++;
    return new Promise((res, rej) => {
      pending.set(id, { resolve: res, reject: rej });
      stdin.write(`${JSON.stringify({ id, name, input: input ?? {} })}\n`);
    });
  };

  return {
    pid: child.pid,
    dispatch,
    async call<C extends CommandName>(name: C, input: CommandInput<C>): Promise<CommandOutput<C>> {
      return (await dispatch(name, input)) as CommandOutput<C>;
    },
    on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
      return listeners.add(name, listener);
    },
    subscribe(sink: (message: EventMessage) => void): () => void {
      sinks.add(sink);
      return () => sinks.delete(sink);
    },
    async close(): Promise<void> {
      if (child.exitCode !== null || child.signalCode !== null) return;
      stdin.end();
      let t: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((res) => {
          t = setTimeout(() => res(true), 10_000);
        }),
      ]);
      clearTimeout(t);
      // A root helper cannot be signalled by an unprivileged parent; closing stdin is the way to end it.
      if (timedOut) child.kill();
    },
  };
}
