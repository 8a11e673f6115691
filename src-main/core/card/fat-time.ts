/** A time in FAT's directory-entry encoding (date and time words, plus 10 ms units for creation). */
export interface DosDateTime {
  date: number;
  time: number;
  tenMs: number;
}

/** Encodes a time (ms since the epoch, written as UTC) for a FAT directory entry; clamped to 1980..2107. */
export function encodeDosDateTime(ms: number): DosDateTime {
  const min = Date.UTC(1980, 0, 1);
  const max = Date.UTC(2107, 11, 31, 23, 59, 58);
  const d = new Date(Math.min(max, Math.max(min, ms)));
  const date = ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate();
  const time = (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1);
  const tenMs = (d.getUTCSeconds() % 2) * 100 + Math.floor(d.getUTCMilliseconds() / 10);
  return { date, time, tenMs };
}

/** Decodes a FAT date and time word (read as UTC) to ms since the epoch; null for a zero date. */
export function decodeDosDateTime(date: number, time: number): number | null {
  if (date === 0) return null;
  return Date.UTC(1980 + (date >> 9), ((date >> 5) & 0x0f) - 1, date & 0x1f, time >> 11, (time >> 5) & 0x3f, (time & 0x1f) * 2);
}

/** Sets the write, creation and access times of a 32-byte directory entry in place. */
export function setEntryTimes(entry: Uint8Array, ms: number): void {
  const t = encodeDosDateTime(ms);
  const v = new DataView(entry.buffer, entry.byteOffset, 32);
  v.setUint8(13, t.tenMs);
  v.setUint16(14, t.time, true);
  v.setUint16(16, t.date, true);
  v.setUint16(18, t.date, true);
  v.setUint16(22, t.time, true);
  v.setUint16(24, t.date, true);
}
