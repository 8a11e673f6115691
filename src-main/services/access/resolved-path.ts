import { existsSync, readlinkSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, sep } from 'node:path';
import { ApiError } from '../../api/errors.js';
import { type Caller, grants, octal, X } from './caller.js';

/** What a path is once every symlink, `//`, `..` and /proc/self/root detour is resolved. */
export type PathKind = 'file' | 'dir' | 'block' | 'char' | 'other';

/** A block device named by its major:minor, with the whole disk it belongs to (sysfs names). */
export interface BlockRef {
  major: number;
  minor: number;
  /** The kernel's name of the device itself (sdb1, zram4). */
  name: string;
  /** The whole disk's node (/dev/sdb for /dev/sdb1, /dev/zram4 for itself). */
  disk: string;
  isPartition: boolean;
}

/** A path resolved once, before any rule looks at it. */
export interface ResolvedPath {
  /** As the caller gave it. */
  given: string;
  /** The canonical path (realpath). */
  real: string;
  kind: PathKind;
  stat: Stats;
  /** Set for block devices only. */
  block: BlockRef | null;
}

/** Splits a Linux dev_t into major and minor (glibc's encoding, as in st_rdev and st_dev). */
export function splitDev(dev: number): { major: number; minor: number } {
  const major = (Math.floor(dev / 256) & 0xfff) | (Math.floor(dev / 2 ** 32) & ~0xfff);
  const minor = (dev & 0xff) | (Math.floor(dev / 4096) & 0xfff00);
  return { major, minor };
}

/** The sysfs name and whole disk of a block device number; null when sysfs does not know it. */
export function blockRefOf(rdev: number): BlockRef | null {
  const { major, minor } = splitDev(rdev);
  const sys = `/sys/dev/block/${major}:${minor}`;
  let link: string;
  try {
    link = readlinkSync(sys);
  } catch {
    return null;
  }
  const name = basename(link);
  const isPartition = existsSync(`${sys}/partition`);
  const disk = isPartition ? basename(dirname(link)) : name;
  return { major, minor, name, disk: `/dev/${disk}`, isPartition };
}

/** The kind of a stat result. */
function kindOf(st: Stats): PathKind {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isBlockDevice()) return 'block';
  if (st.isCharacterDevice()) return 'char';
  return 'other';
}

/**
 * Resolves a path (realpath, then stat; for a block device its major:minor and whole disk from sysfs). Every
 * command that takes a path from a caller runs it through here first, so `//dev/sdb`, `/proc/self/root/dev/sdb`
 * and a symlink to /dev/sdb all meet the same rules as /dev/sdb.
 */
export function resolvePath(given: string): ResolvedPath {
  let real: string;
  let stat: Stats;
  try {
    real = realpathSync(given);
    stat = statSync(real);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ApiError(code === 'ENOENT' ? 'not-found' : 'io-error', `${given}: cannot resolve the path (${code})`, 'check the path');
  }
  const kind = kindOf(stat);
  return { given, real, kind, stat, block: kind === 'block' ? blockRefOf(stat.rdev) : null };
}

/** How the caller sees a resolved path in messages: the given name, and the real one when they differ. */
export function shown(p: Pick<ResolvedPath, 'given' | 'real'>): string {
  return p.given === p.real ? p.given : `${p.given} (${p.real})`;
}

/**
 * Null when the caller may search every folder on the way to a canonical path (x on each ancestor), else the
 * first folder that stops them. Checked on mode bits as that user, not as root.
 */
export function blockedAncestor(real: string, caller: Caller): string | null {
  const parts = real.split(sep).filter(Boolean);
  let dir: string = sep;
  for (let i = 0; i < parts.length; i += 1) {
    const st = statSync(dir);
    if (!grants(st, caller, X)) return `${dir} (owner ${st.uid}, mode ${octal(st.mode)})`;
    dir = dir === sep ? `${sep}${parts[i]}` : `${dir}${sep}${parts[i]}`;
  }
  return null;
}
