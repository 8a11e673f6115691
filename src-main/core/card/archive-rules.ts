import { fatNameKey, fatNameProblem } from './fat-names.js';
import { MAX_FAT_FILE_BYTES, type ContentSize } from './layout.js';

/** What an archive member is, as its archive says. */
export type MemberType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'device' | 'fifo' | 'other';

/** One member of an archive (tar, zip or folder), before any rule is applied. */
export interface ArchiveMember {
  /** The path exactly as the archive spells it. */
  path: string;
  type: MemberType;
  size: number;
  /** Modification time, milliseconds since the epoch. */
  mtimeMs: number;
}

/** A member refused, named, with the cause. */
export interface MemberProblem {
  member: string;
  cause: string;
}

/** A file or directory that will be on the card, at its normalized path ("overlays/foo.dtbo"). */
export interface CardEntry {
  path: string;
  kind: 'file' | 'dir';
  size: number;
  mtimeMs: number;
}

/** The verdict on an archive's members: what goes on the card, or why it cannot. */
export interface ArchiveVerdict {
  entries: CardEntry[];
  content: ContentSize;
  problems: MemberProblem[];
}

/** Normalizes an archive path ("./a//b/" -> "a/b"), or says why it cannot go on a card. */
export function normalizeMemberPath(raw: string): { ok: true; path: string } | { ok: false; cause: string } {
  if (raw.startsWith('/') || raw.startsWith('\\') || /^[A-Za-z]:/.test(raw)) {
    return { ok: false, cause: 'an absolute path: members must be relative to the card root' };
  }
  if (raw.includes('\\')) return { ok: false, cause: 'a backslash in the path, which FAT cannot hold' };
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) return { ok: false, cause: 'a ".." component: it would point outside the card' };
  return { ok: true, path: parts.join('/') };
}

function typeProblem(type: MemberType): string | null {
  switch (type) {
    case 'file':
    case 'dir':
      return null;
    case 'symlink':
      return 'a symbolic link: FAT has no links (put the file itself in the archive)';
    case 'hardlink':
      return 'a hard link: FAT has no links (put the file itself in the archive)';
    case 'device':
      return 'a device node: FAT holds only files and folders';
    case 'fifo':
      return 'a named pipe: FAT holds only files and folders';
    case 'other':
      return 'an entry of an unknown type: FAT holds only files and folders';
  }
}

/**
 * Applies every rule a card's content must follow: relative paths without "..", only files and folders, names FAT
 * can hold, no two names equal once case is ignored, no file over 4 GiB - 1. Parent folders a member implies are
 * added. Problems name the member and the cause.
 */
export function checkArchiveMembers(members: ArchiveMember[]): ArchiveVerdict {
  const problems: MemberProblem[] = [];
  const byKey = new Map<string, CardEntry & { raw: string }>();
  const entries: (CardEntry & { raw: string })[] = [];
  const add = (entry: CardEntry, raw: string): void => {
    const key = fatNameKey(entry.path);
    const seen = byKey.get(key);
    if (seen) {
      if (seen.kind === 'dir' && entry.kind === 'dir') return;
      const same = seen.path === entry.path;
      problems.push({
        member: raw,
        cause: same
          ? `appears twice in the archive (first as "${seen.raw}")`
          : `collides with "${seen.raw}": FAT names are case-insensitive, both would be the same file`,
      });
      return;
    }
    const item = { ...entry, raw };
    byKey.set(key, item);
    entries.push(item);
  };
  for (const m of members) {
    const norm = normalizeMemberPath(m.path);
    if (!norm.ok) {
      problems.push({ member: m.path, cause: norm.cause });
      continue;
    }
    const typeIssue = typeProblem(m.type);
    if (typeIssue) {
      problems.push({ member: m.path, cause: typeIssue });
      continue;
    }
    if (norm.path === '') continue; // "./" itself
    const parts = norm.path.split('/');
    const bad = parts.map((p) => [p, fatNameProblem(p)] as const).find(([, problem]) => problem !== null);
    if (bad) {
      problems.push({ member: m.path, cause: `the name "${bad[0]}" has ${bad[1]}` });
      continue;
    }
    if (m.type === 'file' && m.size > MAX_FAT_FILE_BYTES) {
      problems.push({ member: m.path, cause: `${m.size} bytes: over FAT32's limit of 4 GiB - 1 (${MAX_FAT_FILE_BYTES}) per file` });
      continue;
    }
    for (let i = 1; i < parts.length; i += 1) {
      add({ path: parts.slice(0, i).join('/'), kind: 'dir', size: 0, mtimeMs: m.mtimeMs }, parts.slice(0, i).join('/') + '/');
    }
    add({ path: norm.path, kind: m.type === 'dir' ? 'dir' : 'file', size: m.type === 'dir' ? 0 : m.size, mtimeMs: m.mtimeMs }, m.path);
  }
  // an explicit directory member carries the real mtime: it wins over the one implied by a child
  for (const m of members) {
    const norm = normalizeMemberPath(m.path);
    if (m.type !== 'dir' || !norm.ok) continue;
    const entry = byKey.get(fatNameKey(norm.path));
    if (entry && entry.kind === 'dir') entry.mtimeMs = m.mtimeMs;
  }
  const files = entries.filter((e) => e.kind === 'file');
  const clean = entries.map(({ raw: _raw, ...e }) => e);
  return {
    entries: clean,
    content: { bytes: files.reduce((s, f) => s + f.size, 0), files: files.length, dirs: entries.length - files.length },
    problems,
  };
}

/** One sentence listing the problems (the first few, then a count). */
export function describeProblems(problems: MemberProblem[], max = 5): string {
  const shown = problems.slice(0, max).map((p) => `${p.member}: ${p.cause}`);
  const more = problems.length > max ? `; and ${problems.length - max} more` : '';
  return shown.join('; ') + more;
}
