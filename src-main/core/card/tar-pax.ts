import { TarFormatError } from './tar-format-error.js';

/** The records of a pax extended header (`x` per file, `g` global), key -> value. */
export type PaxRecords = Map<string, string>;

const utf8 = new TextDecoder('utf-8');

/**
 * Parses pax records, "LEN KEY=VALUE\n" each, where LEN counts BYTES (the record's own digits, the space and the
 * newline included), so a UTF-8 path must be cut on bytes, never on characters. `at` is the header's archive
 * offset, for the error.
 */
export function parsePaxRecords(bytes: Uint8Array, at: number): PaxRecords {
  const out: PaxRecords = new Map();
  let pos = 0;
  while (pos < bytes.length) {
    if (bytes[pos] === 0) break; // padding some writers leave
    let space = pos;
    while (space < bytes.length && bytes[space]! >= 0x30 && bytes[space]! <= 0x39) space += 1;
    const len = Number(utf8.decode(bytes.subarray(pos, space)));
    const end = pos + len;
    if (space === pos || bytes[space] !== 0x20 || !(len > 0) || end > bytes.length || bytes[end - 1] !== 0x0a) {
      throw new TarFormatError(`the pax header at byte ${at} has a malformed record at its byte ${pos}: the archive is corrupt`, at);
    }
    const record = bytes.subarray(space + 1, end - 1);
    const eq = record.indexOf(0x3d);
    if (eq <= 0) throw new TarFormatError(`the pax header at byte ${at} has a record without "key=" at its byte ${pos}: the archive is corrupt`, at);
    const key = utf8.decode(record.subarray(0, eq));
    const value = utf8.decode(record.subarray(eq + 1));
    // an empty value deletes the key (POSIX): the header field applies again, even over a global record
    out.set(key, value);
    pos = end;
  }
  return out;
}
