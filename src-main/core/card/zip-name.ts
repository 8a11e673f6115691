import { crc32 } from '../net/crc32.js';

/** One extra field of a zip entry (id and its bytes). */
export interface ZipExtraField {
  id: number;
  data: Uint8Array;
}

/** CP437's upper half: what a zip name's bytes mean when the entry is not flagged UTF-8 (APPNOTE appendix D). */
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀' +
  'αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

const utf8 = new TextDecoder('utf-8');
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });


/**
 * A zip entry's name as its writer meant it: the Info-ZIP Unicode Path extra field (0x7075) when its CRC matches the
 * raw name, else UTF-8 when general-purpose bit 11 is set or the bytes are valid UTF-8, else CP437. Backslashes become "/" (old Windows tools
 * wrote them as folder separators; Info-ZIP's unzip reads them so too).
 */
export function decodeZipName(raw: Uint8Array, utf8Flag: boolean, extra: ZipExtraField[]): string {
  let name: string | null = null;
  const unicode = extra.find((f) => f.id === 0x7075 && f.data.length >= 6 && f.data[0] === 1);
  if (unicode) {
    const view = new DataView(unicode.data.buffer, unicode.data.byteOffset, unicode.data.byteLength);
    if (view.getUint32(1, true) === crc32(raw)) name = utf8.decode(unicode.data.subarray(5));
  }
  if (name === null && !utf8Flag) {
    // Info-ZIP's zip on Linux writes the bytes of a UTF-8 locale without the flag: valid UTF-8 is taken as UTF-8
    // (as unzip on Linux shows it); anything else is CP437
    try {
      name = strictUtf8.decode(raw);
    } catch {
      name = Array.from(raw, (b) => (b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80]!)).join('');
    }
  }
  name ??= utf8.decode(raw);
  return name.replace(/\\/g, '/');
}

/** The entry's modification time: Info-ZIP's extended timestamp (0x5455, UTC seconds) when present, else null. */
export function zipExtendedMtimeMs(extra: ZipExtraField[]): number | null {
  const ut = extra.find((f) => f.id === 0x5455 && f.data.length >= 5 && (f.data[0]! & 1) === 1);
  if (!ut) return null;
  return new DataView(ut.data.buffer, ut.data.byteOffset, ut.data.byteLength).getInt32(1, true) * 1000;
}
