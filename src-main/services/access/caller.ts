import { readFileSync, type Stats } from 'node:fs';

/**
 * The user a command runs for: pkexec's caller in the root helper, else the process's own user. Paths are checked against this user's rights, never root's.
 */
export interface Caller {
  uid: number;
  gid: number;
  /** Supplementary groups (from /etc/group), the primary one included. */
  groups: number[];
  /** The home folder from the password database (null when the user has no entry). */
  home: string | null;
}

/** Reads a colon-separated database (passwd, group); empty when missing. */
function records(file: string): string[][] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => l.split(':'));
  } catch {
    return [];
  }
}

/** The caller with a uid: primary group and home from /etc/passwd, supplementary groups from /etc/group. */
export function callerByUid(uid: number, fallbackGid: number = uid, db = { passwd: '/etc/passwd', group: '/etc/group' }): Caller {
  const entry = records(db.passwd).find((f) => Number(f[2]) === uid);
  const gid = entry && entry[3] !== undefined && entry[3] !== '' ? Number(entry[3]) : fallbackGid;
  const name = entry?.[0];
  const groups = new Set([gid]);
  if (name) {
    for (const g of records(db.group)) {
      if ((g[3] ?? '').split(',').includes(name)) groups.add(Number(g[2]));
    }
  }
  return { uid, gid, groups: [...groups], home: entry?.[5] || null };
}

/**
 * The user this process works for: its own real user. (A CLI run with sudo acts as root, which asked for it:
 * SUDO_UID is not trusted, so a CI run under sudo behaves like one run as root. The overwrite, device and source
 * rules apply to root too.)
 */
export function processCaller(): Caller {
  const uid = process.getuid?.() ?? 0;
  return callerByUid(uid, process.getgid?.() ?? uid);
}

/** Permission bits wanted: 4 read, 2 write, 1 search/execute (combinable). */
export const R = 4;
export const W = 2;
export const X = 1;

/**
 * True when the mode bits and ownership of a file grant the caller `bits`, evaluated the way the kernel does
 * (owner class, else group class, else others). Root is granted everything. POSIX ACLs are not read: an ACL that
 * grants more than the mode bits is not honoured (refused: the safe side).
 */
export function grants(st: Pick<Stats, 'mode' | 'uid' | 'gid'>, caller: Caller, bits: number): boolean {
  if (caller.uid === 0) return true;
  let granted: number;
  if (st.uid === caller.uid) granted = (st.mode >> 6) & 7;
  else if (caller.groups.includes(st.gid)) granted = (st.mode >> 3) & 7;
  else granted = st.mode & 7;
  return (granted & bits) === bits;
}

/** The mode of a file as octal text, for messages. */
export function octal(mode: number): string {
  return `0${(mode & 0o7777).toString(8)}`;
}
