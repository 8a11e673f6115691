import { constants, lstatSync, mkdirSync, type Stats } from 'node:fs';
import { ApiError } from '../../api/errors.js';
import { octal } from './caller.js';

/** Flags of a temporary or new state file: created here and now, never through a symlink, never an existing file. */
export const NEW_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
/** Flags to read a state file without following a symlink planted in its place. */
export const READ_NOFOLLOW = constants.O_RDONLY | constants.O_NOFOLLOW;

/** Why a state folder cannot be trusted by a process working for `uid`; null when it can. */
export function stateFolderProblem(dir: string, st: Stats, uid: number, gid: number | null): string | null {
  if (st.isSymbolicLink()) return `${dir} is a symbolic link: the state folder and its cache/, logs/, uploads/ must be real folders`;
  if (!st.isDirectory()) return `${dir} is not a folder`;
  if (st.uid !== uid) return `${dir} belongs to uid ${st.uid}, not to the user walt-bench works for (uid ${uid})`;
  if ((st.mode & 0o002) !== 0) return `${dir} is writable by every user (mode ${octal(st.mode)})`;
  if ((st.mode & 0o020) !== 0 && st.gid !== gid) return `${dir} is writable by group ${st.gid} (mode ${octal(st.mode)})`;
  return null;
}

/**
 * Checks (creating it when missing) one folder of the state: a real folder, owned by the user walt-bench works for,
 * writable by nobody else. `create` makes it (mode 0700) and hands it to that user first.
 */
export function ensureStateFolder(dir: string, owner: { uid: number; gid: number | null }, create: (dir: string) => void): void {
  let st: Stats;
  try {
    st = lstatSync(dir);
  } catch {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    create(dir);
    st = lstatSync(dir);
  }
  const problem = stateFolderProblem(dir, st, owner.uid, owner.gid);
  if (problem) {
    throw new ApiError('refused', `unsafe state folder: ${problem}`, 'give walt-bench a folder of your own (chmod go-w, chown, or set WALT_BENCH_HOME)');
  }
}
