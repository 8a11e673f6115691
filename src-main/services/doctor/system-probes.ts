import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { accessSync, constants, existsSync, lstatSync, readdirSync, readFileSync, statfsSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import { stateFolderProblem } from '../access/state-files.js';
import { CatalogStore } from '../catalog/catalog-store.js';
import type { DoctorProbes } from './doctor-probes.js';

/** Folders searched besides PATH (an unprivileged user's PATH often lacks the sbin folders). */
const BIN_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const SERIAL_NAME = /^tty(USB|ACM|S|AMA)\d+$/;

/** Group names by id, from /etc/group. */
function groupNames(): Map<number, string> {
  const names = new Map<number, string>();
  try {
    for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[0] && f[2] !== undefined && f[2] !== '') names.set(Number(f[2]), f[0]);
    }
  } catch {
    // no group database: ids are shown instead
  }
  return names;
}

/** The user's name, or uid N when it has none in the password database. */
function userName(uid: number): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${uid}`;
  }
}

/** Binds a UDP port on 0.0.0.0 and closes it at once; resolves 'ok' or the error's code. */
function tryBindUdp(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = createSocket({ type: 'udp4', reuseAddr: false });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      socket.close();
      resolve(e.code ?? e.message);
    });
    socket.bind({ port, address: '0.0.0.0', exclusive: true }, () => socket.close(() => resolve('ok')));
  });
}

/** What the machine really is: the probes of the CLI, the station and the app. */
export function systemProbes(options: {
  home: string;
  cacheDir: string;
  helperRunning: boolean;
  virtualDrives: () => { on: boolean; forcedByEnv: boolean };
  /** The catalog-source setting (null: the shipped catalog). */
  catalogSource?: () => string | null;
  env?: NodeJS.ProcessEnv;
}): DoctorProbes {
  const env = options.env ?? process.env;
  const uid = process.getuid?.() ?? 0;
  return {
    platform: process.platform,
    helperRunning: options.helperRunning,
    home: options.home,
    cacheDir: options.cacheDir,
    async catalog() {
      const read = await new CatalogStore(options.cacheDir).loadFrom(options.catalogSource?.() ?? null);
      return { source: read.source, origin: read.origin, artifacts: read.catalog.artifacts.length };
    },
    user() {
      const names = groupNames();
      const ids = [...new Set(process.getgroups?.() ?? [])];
      return { uid, name: userName(uid), groups: ids.map((id) => ({ id, name: names.get(id) ?? String(id) })) };
    },
    findExecutable(name) {
      const dirs = [...(env.PATH ?? '').split(delimiter).filter((d) => d.startsWith('/')), ...BIN_DIRS];
      for (const dir of new Set(dirs)) {
        const file = join(dir, name);
        try {
          accessSync(file, constants.X_OK);
          if (statSync(file).isFile()) return file;
        } catch {
          // not here
        }
      }
      return null;
    },
    fileExists: (path) => existsSync(path),
    serialPorts() {
      const names = groupNames();
      let entries: string[];
      try {
        entries = readdirSync('/dev').filter((n) => SERIAL_NAME.test(n)).sort();
      } catch {
        return [];
      }
      return entries.map((n) => {
        const path = `/dev/${n}`;
        const st = statSync(path);
        let readWrite = true;
        try {
          accessSync(path, constants.R_OK | constants.W_OK);
        } catch {
          readWrite = false;
        }
        return { path, group: names.get(st.gid) ?? String(st.gid), mode: st.mode, readWrite };
      });
    },
    tryBindUdp,
    fileCapabilities(path) {
      try {
        const out = execFileSync('getcap', [path], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'], env: { ...env, PATH: [env.PATH, ...BIN_DIRS].join(':') } }).trim();
        return out ? out.slice(out.indexOf(' ') + 1).trim() || null : null;
      } catch {
        return null;
      }
    },
    stateFolderProblem() {
      const st = lstatSync(options.home);
      const problem = stateFolderProblem(options.home, st, uid, process.getgid?.() ?? null);
      if (problem) return problem;
      try {
        accessSync(options.home, constants.W_OK);
      } catch {
        return `${options.home} is not writable by this user`;
      }
      return null;
    },
    freeBytes(dir) {
      const s = statfsSync(dir);
      return s.bavail * s.bsize;
    },
    virtualDrives: options.virtualDrives,
    loadNative(name) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require(name);
        return null;
      } catch (e) {
        return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300);
      }
    },
    versions: { node: process.version, electron: process.versions.electron ?? null },
  };
}
