import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root. */
export const ROOT = join(__dirname, '..', '..');

/** Fails clearly when the CLI was not built (npm test builds first). */
export function assertBuilt(): void {
  if (!existsSync(join(ROOT, 'dist', 'main', 'cli', 'main.js')) || !existsSync(join(ROOT, 'dist', 'bundle', 'cli.cjs'))) {
    throw new Error('dist/ (or its CLI bundle, dist/bundle/) is missing: run `npm run build` first (npm test does)');
  }
}

/** Runs `walt-bench ...` as a technician would (the package bin), with no terminal on stdin. */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'walt-bench.js'), ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
