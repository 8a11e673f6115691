import { homedir, platform } from 'node:os';
import { join } from 'node:path';
import { ensureStateFolder } from './access/state-files.js';
import { giveBack, type Owner } from './ownership.js';

/** Every place walt-bench keeps state, under one directory. */
export interface StatePaths {
  home: string;
  journal: string;
  settings: string;
  cache: string;
  uploads: string;
  logs: string;
}

/**
 * The state directory: WALT_BENCH_HOME when set (tests always set it), else the platform's user data dir
 * (the same one Electron's app.getPath('userData') gives for an app named walt-bench).
 */
export function defaultHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.WALT_BENCH_HOME) return env.WALT_BENCH_HOME;
  const p = platform();
  if (p === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'walt-bench');
  if (p === 'darwin') return join(homedir(), 'Library', 'Application Support', 'walt-bench');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'walt-bench');
}

/**
 * Lays out (and creates) the state directories under a home. Each must be a real folder (not a symlink) owned by
 * the user walt-bench works for (the owner, else this process's user) and writable by nobody else: a root helper
 * refuses a state folder another user could redirect.
 */
export function statePaths(home: string, owner?: Owner): StatePaths {
  const paths: StatePaths = {
    home,
    journal: join(home, 'journal.jsonl'),
    settings: join(home, 'settings.json'),
    cache: join(home, 'cache'),
    uploads: join(home, 'uploads'),
    logs: join(home, 'logs'),
  };
  const who = owner ?? { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? null };
  for (const dir of [paths.home, paths.cache, paths.uploads, paths.logs]) {
    ensureStateFolder(dir, who, (created) => giveBack(created, owner));
  }
  return paths;
}
