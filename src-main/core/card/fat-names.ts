/** Characters no FAT long name may hold (plus control characters). */
const FORBIDDEN = new Set(['"', '*', '/', ':', '<', '>', '?', '\\', '|']);
/** Device names Windows and FAT drivers treat specially. */
const RESERVED = /^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\..*)?$/i;
/** Longest long file name FAT holds (UTF-16 code units). */
export const MAX_FAT_NAME = 255;

/** Why a path component cannot be a FAT name, or null when FAT can hold it. */
export function fatNameProblem(name: string): string | null {
  if (name.length === 0) return 'an empty name';
  if (name.length > MAX_FAT_NAME) return `a name of ${name.length} characters (FAT holds at most ${MAX_FAT_NAME})`;
  const forbidden = new Set<string>();
  for (const ch of name) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20) return `a control character (0x${code.toString(16).padStart(2, '0')}) FAT cannot hold`;
    if (FORBIDDEN.has(ch)) forbidden.add(`"${ch}"`);
    if (code > 0xffff) return `"${ch}", a character outside what FAT long names hold`;
  }
  if (forbidden.size === 1) return `${[...forbidden][0]}, a character FAT cannot hold`;
  if (forbidden.size > 1) return `${[...forbidden].join(', ')}, characters FAT cannot hold`;
  if (/[. ]$/.test(name)) return 'a name ending in a dot or a space, which FAT drops';
  if (RESERVED.test(name)) return `"${name}", a reserved device name`;
  return null;
}

/** The key under which FAT sees two names as the same (FAT names are case-insensitive). */
export function fatNameKey(path: string): string {
  return path.toUpperCase();
}

/** Characters a FAT short (8.3) name may hold besides letters and digits (FatFs keeps such a name without LFN). */
const SFN_CHARS = /^[A-Za-z0-9!#$%&'()@^_`{}~-]+$/;

/**
 * How many 32-byte directory slots a name takes in its folder: one for the short (8.3) entry, plus one per 13
 * UTF-16 units of long name when FatFs must write a long name (anything that is not an 8.3 name in one case per
 * part; non-ASCII names are counted as long, an upper bound).
 */
export function fatDirSlots(name: string): number {
  const dot = name.lastIndexOf('.');
  const body = dot === -1 ? name : name.slice(0, dot);
  const ext = dot === -1 ? '' : name.slice(dot + 1);
  const oneCase = (s: string): boolean => s === s.toUpperCase() || s === s.toLowerCase();
  const short = body.length >= 1 && body.length <= 8 && ext.length <= 3 && SFN_CHARS.test(body) && (ext === '' || SFN_CHARS.test(ext));
  if (short && oneCase(body) && oneCase(ext) && !(dot !== -1 && ext === '')) return 1;
  return 1 + Math.ceil(name.length / 13);
}
