import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './cli.js';

/** A long-running `walt-bench ... --json` process whose JSON lines are collected as they come. */
export interface JsonProcess {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  stderr(): string;
  /** Resolves with the first line matching, or rejects after timeoutMs (with what was seen). */
  waitFor(match: (l: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit status. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after 3 s; resolves with the exit status. */
  stop(): Promise<number | null>;
}

/** Starts `walt-bench <args>` (optionally inside a namespace: `wrap` = ['ip','netns','exec',NAME]). */
export function startCliJson(args: string[], env: NodeJS.ProcessEnv, wrap: string[] = []): JsonProcess {
  const argv = [...wrap, process.execPath, join(ROOT, 'bin', 'walt-bench.js'), ...args];
  const child = spawn(argv[0]!, argv.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => {
    buffer += d.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ event: 'text', text: line });
      }
      for (const w of waiters) w();
    }
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    lines,
    stderr: () => err,
    exited,
    waitFor(match, timeoutMs = 20000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const found = lines.find(match);
          if (found) {
            cleanup();
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching line within ${timeoutMs} ms; got:\n${lines.map((l) => JSON.stringify(l)).join('\n')}\nstderr: ${err}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        void exited.then(() => {
          if (waiters.has(check)) {
            cleanup();
            reject(new Error(`the process exited; stderr: ${err}\nlines: ${lines.map((l) => JSON.stringify(l)).join('\n')}`));
          }
        });
        check();
      });
    },
    async stop() {
      if (child.exitCode === null && child.pid) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 3000);
        const code = await exited;
        clearTimeout(t);
        return code;
      }
      return exited;
    },
  };
}
