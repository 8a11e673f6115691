import { fatDirSlots, fatNameKey, fatNameProblem } from './fat-names.js';
import { MAX_FAT_FILE_BYTES, type ContentSize } from './layout.js';

/** What an archive member is, as its archive says. */
export type MemberType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'device' | 'fifo' | 'sparse' | 'other';

/** Slots one FAT directory holds at most (FatFs's MAX_DIR: 2 MiB of 32-byte entries). */
export const MAX_DIR_SLOTS = 65_536;

/** One member of an archive (tar, zip or folder), before any rule is applied. */
export interface ArchiveMember {
  /** The path exactly as the archive spells it. */
  path: string;
  type: MemberType;
  size: number;
  /** Modification time, milliseconds since the epoch. */
  mtimeMs: number;
  /** What a link points at, as the archive says. */
  linkTarget?: string;
  /** Where the member's header starts in the (uncompressed) archive, when it has one. */
  headerOffset?: number;
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
  // "/x", "\x", "C:\x", "C:/x" (a drive letter alone, "a:b", is a name holding ":")
  if (raw.startsWith('/') || raw.startsWith('\\') || /^[A-Za-z]:[\\/]/.test(raw)) {
    return { ok: false, cause: `an absolute path: members must be relative to the card root (${PACK_FROM_INSIDE})` };
  }
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) return { ok: false, cause: `a ".." component: it would point outside the card (${PACK_FROM_INSIDE})` };
  return { ok: true, path: parts.join('/') };
}

const PACK_FROM_INSIDE = 'pack from inside the folder: tar -C FOLDER -czf ARCHIVE .';

const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

/**
 * A problem found in a member's header alone, so the reading stops there before any of its data is read: a sparse
 * member or a file over FAT32's 4 GiB - 1 limit. Null when the member can be read on.
 */
export function headerProblem(m: ArchiveMember): string | null {
  if (m.type === 'sparse') {
    return `a sparse file (${m.size} bytes once expanded): walt-bench does not expand sparse members; ` +
      'pack it as a plain file (GNU tar without --sparse/-S)';
  }
  if (m.type === 'file' && m.size > MAX_FAT_FILE_BYTES) {
    return `${m.size} bytes (${gib(m.size)}): over FAT32's limit of 4 GiB - 1 (${MAX_FAT_FILE_BYTES}) per file, ` +
      'a FAT card cannot hold it; leave it out of the archive';
  }
  return null;
}

function typeProblem(m: ArchiveMember): string | null {
  const target = m.linkTarget ? ` to "${m.linkTarget}"` : '';
  switch (m.type) {
    case 'file':
    case 'dir':
      return null;
    case 'symlink':
      return `a symbolic link${target}: a FAT card holds no links; pack the file itself (tar -h, --dereference)`;
    case 'hardlink':
      return `a hard link${target}: a FAT card holds no links; pack the file itself (tar --hard-dereference)`;
    case 'device':
      return 'a device node: FAT holds only files and folders; leave it out of the archive';
    case 'fifo':
      return 'a named pipe: FAT holds only files and folders; leave it out of the archive';
    case 'sparse':
      return headerProblem(m);
    case 'other':
      return 'an entry of an unknown type: FAT holds only files and folders; leave it out of the archive';
  }
}

function collision(seen: CardEntry & { raw: string }, entry: CardEntry): string {
  if (seen.kind !== entry.kind) {
    const [file, dir] = seen.kind === 'file' ? [seen.path, entry.path] : [entry.path, seen.path];
    const names = file === dir ? `"${file}" is both a file and a folder` : `the file "${file}" and the folder "${dir}" are one name on FAT (case is ignored)`;
    return `${names} in the archive: rename one of them`;
  }
  if (seen.path === entry.path) return `appears twice in the archive (first as "${seen.raw}"): pack it once`;
  return `collides with "${seen.raw}": FAT names are case-insensitive, both would be the same file; rename one of them`;
}

/**
 * Applies every rule a card's content must follow: relative paths without "..", only files and folders, names FAT
 * can hold, no two names equal once case is ignored, no file over 4 GiB - 1, no sparse member, no folder over FAT's
 * 65,536 directory slots. Parent folders a member implies are added. Problems name the member, the cause, the fix.
 */
export function checkArchiveMembers(members: ArchiveMember[]): ArchiveVerdict {
  const problems: MemberProblem[] = [];
  const byKey = new Map<string, CardEntry & { raw: string }>();
  const entries: (CardEntry & { raw: string })[] = [];
  const reported = new Set<string>();
  const add = (entry: CardEntry, raw: string): void => {
    const key = fatNameKey(entry.path);
    const seen = byKey.get(key);
    if (seen) {
      if (seen.kind === 'dir' && entry.kind === 'dir') return;
      // a file met again as the folder of each of its would-be children: said once
      if (seen.kind !== entry.kind && reported.has(key)) return;
      reported.add(key);
      problems.push({ member: raw, cause: collision(seen, entry) });
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
    const typeIssue = typeProblem(m);
    if (typeIssue) {
      problems.push({ member: m.path, cause: typeIssue });
      continue;
    }
    if (norm.path === '') continue; // "./" itself
    const parts = norm.path.split('/');
    const bad = parts.map((p) => [p, fatNameProblem(p)] as const).find(([, problem]) => problem !== null);
    if (bad) {
      problems.push({ member: m.path, cause: `the name "${bad[0]}" has ${bad[1]}: rename it` });
      continue;
    }
    const tooBig = headerProblem(m);
    if (tooBig) {
      problems.push({ member: m.path, cause: tooBig });
      continue;
    }
    for (let i = 1; i < parts.length; i += 1) {
      add({ path: parts.slice(0, i).join('/'), kind: 'dir', size: 0, mtimeMs: m.mtimeMs }, m.path);
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
  problems.push(...crowdedFolders(entries));
  const files = entries.filter((e) => e.kind === 'file');
  const clean = entries.map(({ raw: _raw, ...e }) => e);
  return {
    entries: clean,
    content: { bytes: files.reduce((s, f) => s + f.size, 0), files: files.length, dirs: entries.length - files.length },
    problems,
  };
}

/**
 * Folders that would need more directory slots than FAT allows (65,536, the volume label and "." ".." included;
 * a long name takes one more slot per 13 characters), so the build is refused before FatFs fails half-way.
 */
function crowdedFolders(entries: CardEntry[]): MemberProblem[] {
  const slots = new Map<string, { slots: number; children: number }>([['', { slots: 1, children: 0 }]]);
  for (const e of entries) if (e.kind === 'dir') slots.set(e.path, { slots: 2, children: 0 });
  for (const e of entries) {
    const cut = e.path.lastIndexOf('/');
    const parent = slots.get(cut === -1 ? '' : e.path.slice(0, cut));
    if (!parent) continue;
    parent.slots += fatDirSlots(e.path.slice(cut + 1));
    parent.children += 1;
  }
  return [...slots]
    .filter(([, s]) => s.slots > MAX_DIR_SLOTS)
    .map(([path, s]) => ({
      member: path === '' ? '/ (the card root)' : `${path}/`,
      cause:
        `a folder of ${s.children} files and folders taking ${s.slots} directory slots (a long name takes several): ` +
        `FAT holds at most ${MAX_DIR_SLOTS} per folder; split it into subfolders`,
    }));
}

/** One sentence listing the problems (the first few, then a count). */
export function describeProblems(problems: MemberProblem[], max = 5): string {
  const shown = problems.slice(0, max).map((p) => `${p.member}: ${p.cause}`);
  const more = problems.length > max ? `; and ${problems.length - max} more` : '';
  return shown.join('; ') + more;
}
