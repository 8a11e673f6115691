import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** A `walt-bench station` child process and the URL (with token) it printed. */
export interface StationProcess {
  child: ChildProcess;
  pid: number;
  /** What it printed to open: `http://127.0.0.1:<port>/#token=<hex>` (the token in the fragment). */
  url: string;
  /** The origin part of url (`http://127.0.0.1:<port>`). */
  origin: string;
  /** The access token (the fragment of url). */
  token: string;
  /** Everything it wrote so far (for failure messages). */
  output(): string;
  /** SIGTERM, then SIGKILL after a grace period; resolves when it exited. */
  stop(): Promise<void>;
}

const URL_RE = /(https?:\/\/[^\s/]+)\/#token=([0-9a-f]+)/;

/**
 * Starts `node bin/walt-bench.js station --port 0` (or with `args`) from the repo root and waits for its URL. `wrap`
 * runs it through a prefix that execs it (e.g. a network namespace's `ip netns exec <ns>`), so the PID stays the
 * station's.
 */
export async function startStationProcess(
  repoRoot: string,
  env: Record<string, string>,
  wrap: string[] = [],
  args: string[] = ['--port', '0'],
): Promise<StationProcess> {
  const argv = [...wrap, process.execPath, join(repoRoot, 'bin', 'walt-bench.js'), 'station', ...args];
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const found = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`station printed no URL within 30 s:\n${out}`)), 30_000);
    const check = (): void => {
      const m = URL_RE.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`station exited with ${code} before printing its URL:\n${out}`));
    });
  });
  if (child.pid === undefined) throw new Error('station has no pid');
  const pid = child.pid;
  const [url, origin, token] = [found[0], found[1]!, found[2]!];

  return {
    child,
    pid,
    url,
    origin,
    token,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 8000);
      await exited;
      clearTimeout(killer);
    },
  };
}
