import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The folder holding walt-bench's package.json (works from src-main under tsx and from dist/main). */
export function packageRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i += 1) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        if ((JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === 'walt-bench') return dir;
      } catch {
        // not ours: keep looking upwards
      }
    }
    dir = dirname(dir);
  }
  return process.cwd();
}

function readVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/** The app's version, from package.json. */
export const APP_VERSION = readVersion();

/** Where the built UI lives (dist/renderer). */
export function rendererRoot(): string {
  return join(packageRoot(), 'dist', 'renderer');
}
