/** The bootloader build a card carries, read from its `walt.date` (line 1: the date as text, line 2: epoch seconds). */
export interface WaltDate {
  text: string;
  epochSeconds: number | null;
  /** ISO 8601 of the epoch line, when it is a number. */
  iso: string | null;
}

/** Parses `walt.date`; null when the file holds nothing usable. */
export function parseWaltDate(content: string): WaltDate | null {
  const lines = content.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length === 0) return null;
  const epochLine = lines.find((l, i) => i > 0 && /^\d{9,11}$/.test(l)) ?? (/^\d{9,11}$/.test(lines[0]!) ? lines[0]! : null);
  const epochSeconds = epochLine === null ? null : Number(epochLine);
  const text = lines[0] === epochLine && lines.length === 1 ? new Date(epochSeconds! * 1000).toUTCString() : lines[0]!;
  return { text, epochSeconds, iso: epochSeconds === null ? null : new Date(epochSeconds * 1000).toISOString() };
}

/** Formats a `walt.date` file for a build time (used by tests and the card builder's fixtures). */
export function formatWaltDate(epochSeconds: number): string {
  return `${new Date(epochSeconds * 1000).toUTCString()}\n${epochSeconds}\n`;
}
