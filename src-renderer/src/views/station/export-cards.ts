import type { StationCardData } from '../../../../src-main/api/contract.js';

const COLUMNS = ['seq', 'number', 'slot', 'device', 'size', 'serial', 'description', 'result', 'error', 'startedAt', 'durationMs', 'bytes', 'speed', 'verified', 'ejected'] as const;

/** One CSV cell: quoted when needed; a text starting like a formula gets a leading ' so a spreadsheet shows it as text. */
function cell(value: unknown): string {
  const raw = value === null || value === undefined ? '' : String(value);
  const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\n\r']/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The job's table as CSV (one header line, one line per card; formula-like cells quoted). */
export function cardsToCsv(cards: readonly StationCardData[]): string {
  const lines = [COLUMNS.join(',')];
  for (const c of cards) lines.push(COLUMNS.map((k) => cell(c[k])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Saves text as a file in the browser's downloads. */
export function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
