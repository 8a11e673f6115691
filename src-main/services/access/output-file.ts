import { fchownSync, lstatSync, openSync, realpathSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { type FileHandle, link, lstat, open, rename, rm, unlink } from 'node:fs/promises';
import { constants } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ApiError } from '../../api/errors.js';
import { type Caller, grants, octal, W, X } from './caller.js';
import { blockedAncestor } from './resolved-path.js';

/** An output file that passed the rules: where it goes (canonical) and whether it replaces a file. */
export interface OutputTarget {
  given: string;
  /** The canonical folder joined with the file name. */
  path: string;
  /** True when an existing regular file is replaced (only with overwrite). */
  replaces: boolean;
  /** The user the file is written for (it gets the file). */
  caller: Caller;
}

/** What an output is checked against. */
export interface OutputRules {
  caller: Caller;
  overwrite: boolean;
  /** Files the command reads: the output may never be one of them. */
  sources: string[];
  /** The command to suggest when the output names a device node. */
  deviceHint: string;
}

/** Same file (device and inode). */
function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/**
 * Checks an output path before any work: its folder exists and the CALLER may write it (mode bits and ownership
 * checked as that user, not as root); it is not a folder, a device node, a symlink or one of the sources; an
 * existing file is replaced only with `overwrite` (and, in a sticky folder such as /tmp, only the caller's own).
 */
export function checkOutput(given: string, rules: OutputRules): OutputTarget {
  const name = basename(given);
  if (name === '' || name === '.' || name === '..' || given.endsWith('/')) {
    throw new ApiError('refused', `${given}: name the output file, not a folder`, `e.g. ${join(given, 'card.img')}`);
  }
  let dir: string;
  let dirStat: Stats;
  try {
    dir = realpathSync(dirname(given));
    dirStat = statSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ApiError('not-found', `${given}: the folder ${dirname(given)} cannot be used (${code})`, 'create the folder first');
  }
  if (!dirStat.isDirectory()) throw new ApiError('refused', `${given}: ${dirname(given)} is not a folder`);
  const path = join(dir, name);
  const { caller } = rules;
  const stops = blockedAncestor(dir, caller);
  if (stops || !grants(dirStat, caller, W | X)) {
    throw new ApiError(
      'permission',
      `${given}: uid ${caller.uid} may not write in ${dir} (${stops ?? `owner ${dirStat.uid}, mode ${octal(dirStat.mode)}`})`,
      'choose a folder of yours, e.g. your home folder',
    );
  }
  let existing: Stats | null = null;
  try {
    existing = lstatSync(path);
  } catch {
    existing = null;
  }
  if (existing === null) return { given, path, replaces: false, caller };
  if (existing.isSymbolicLink()) {
    throw new ApiError('refused', `${given} is a symbolic link: walt-bench writes only to a real path`, 'give the path it points to, or another name');
  }
  if (existing.isDirectory()) {
    throw new ApiError('refused', `${given} is a folder: name the image file to create`, `e.g. ${join(given, 'card.img')}`);
  }
  if (existing.isBlockDevice() || existing.isCharacterDevice()) {
    throw new ApiError('refused', `${given} is a device node: the output is an image file, never a device`, rules.deviceHint);
  }
  if (!existing.isFile()) throw new ApiError('refused', `${given} is not a regular file (a pipe or a socket)`);
  for (const source of rules.sources) {
    const st = (() => {
      try {
        return statSync(source);
      } catch {
        return null;
      }
    })();
    if (st && sameFile(st, existing)) {
      throw new ApiError('refused', `${given} is the source (${source}): writing it would destroy what is read`, 'choose another output name');
    }
  }
  if (!rules.overwrite) {
    throw new ApiError('refused', `${given} exists: walt-bench does not replace a file unless asked`, 'pass --overwrite (API: overwrite: true), or choose another name');
  }
  const sticky = (dirStat.mode & 0o1000) !== 0;
  if (caller.uid !== 0 && sticky && existing.uid !== caller.uid && dirStat.uid !== caller.uid) {
    throw new ApiError('permission', `${given} belongs to uid ${existing.uid} in the sticky folder ${dir}: only its owner may replace it`);
  }
  return { given, path, replaces: true, caller };
}

/** Opens `<path>.part` fresh: never through a symlink, never an existing file (a stale one is removed first). */
async function openFresh(tmp: string): Promise<FileHandle> {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  try {
    return await open(tmp, flags, 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const st = await lstat(tmp);
    if (st.isDirectory()) throw new ApiError('refused', `${tmp} is a folder in the way of the temporary file`);
    await unlink(tmp);
    return open(tmp, flags, 0o644);
  }
}

/** Gives a file just created as root to the user it is written for. */
function giveToCaller(fd: number, target: OutputTarget): void {
  if ((process.getuid?.() ?? 0) === 0 && target.caller.uid !== 0) fchownSync(fd, target.caller.uid, target.caller.gid);
}

/**
 * Opens `<path>.part` of a checked output for synchronous read-write building (a card image built by FatFs): created
 * O_EXCL|O_NOFOLLOW (a stale one removed first, never through a symlink) and given to the caller. Returns the fd
 * and the temporary path; `placeOutput` puts it in place once written and synced.
 */
export function openOutputPartSync(target: OutputTarget): { fd: number; tmp: string } {
  const tmp = `${target.path}.part`;
  const flags = constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  let fd: number;
  try {
    fd = openSync(tmp, flags, 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (lstatSync(tmp).isDirectory()) throw new ApiError('refused', `${tmp} is a folder in the way of the temporary file`);
    unlinkSync(tmp);
    fd = openSync(tmp, flags, 0o644);
  }
  giveToCaller(fd, target);
  return { fd, tmp };
}

/**
 * Puts a written temporary file in place: a rename over the file when the target `replaces` one, else a link that
 * fails if a file appeared meanwhile. The temporary file is removed on any failure.
 */
export async function placeOutput(target: OutputTarget, tmp: string): Promise<void> {
  try {
    if (target.replaces) await rename(tmp, target.path);
    else await placeNew(tmp, target);
  } catch (error) {
    await rm(tmp, { force: true });
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new ApiError('refused', `${target.given} appeared while walt-bench was writing: it was left alone`, 'pass --overwrite to replace it');
    }
    throw error;
  }
}

/**
 * Writes an output through `<path>.part` (created O_EXCL|O_NOFOLLOW, given to the caller), then puts it in place
 * (placeOutput). The temporary file is removed on any failure.
 */
export async function writeOutput(target: OutputTarget, fill: (fh: FileHandle) => Promise<void>): Promise<void> {
  const tmp = `${target.path}.part`;
  const fh = await openFresh(tmp);
  try {
    try {
      giveToCaller(fh.fd, target);
      await fill(fh);
      await fh.datasync();
    } finally {
      await fh.close();
    }
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  await placeOutput(target, tmp);
}

/** Puts the temporary file in place without ever replacing a file (link + unlink; rename where links fail). */
async function placeNew(tmp: string, target: OutputTarget): Promise<void> {
  try {
    await link(tmp, target.path);
    await unlink(tmp);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
    // A filesystem without hard links (FAT on a USB stick): check, then rename.
    const there = await lstat(target.path).then(() => true, () => false);
    if (there) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
    await rename(tmp, target.path);
  }
}
