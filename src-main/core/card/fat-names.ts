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
  for (const ch of name) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20) return `a control character (0x${code.toString(16).padStart(2, '0')}) FAT cannot hold`;
    if (FORBIDDEN.has(ch)) return `"${ch}", a character FAT cannot hold`;
    if (code > 0xffff) return `"${ch}", a character outside what FAT long names hold`;
  }
  if (/[. ]$/.test(name)) return 'a name ending in a dot or a space, which FAT drops';
  if (RESERVED.test(name)) return `"${name}", a reserved device name`;
  return null;
}

/** The key under which FAT sees two names as the same (FAT names are case-insensitive). */
export function fatNameKey(path: string): string {
  return path.toUpperCase();
}
