/**
 * Finding an analyzer line in the live terminal's buffer. The analyzer numbers the session's lines from 1 and knows
 * how many it has seen; the terminal holds the same lines (wrapped rows joined back), minus the ones its scrollback
 * dropped, so a line `n` of `total` sits about `total - n` logical lines before the end. Of the logical lines that
 * hold the line's text, the one nearest that distance from the end is it (repeated lines such as `BOOTP broadcast`
 * pick the right occurrence).
 */

/** One logical terminal line: its text and the buffer row it starts on. */
export interface TerminalLine {
  row: number;
  text: string;
}

/** The buffer row of analyzer line `n` (of `total` seen) whose text is `text`, or null when the terminal lacks it. */
export function findTerminalRow(lines: readonly TerminalLine[], text: string, n: number, total: number): number | null {
  const wanted = text.trim();
  if (wanted === '') return null;
  const fromEnd = Math.max(0, total - n);
  let best: number | null = null;
  let bestGap = Infinity;
  for (let i = 0; i < lines.length; i += 1) {
    if (!lines[i]!.text.includes(wanted)) continue;
    const gap = Math.abs(lines.length - 1 - i - fromEnd);
    if (gap < bestGap) {
      bestGap = gap;
      best = lines[i]!.row;
    }
  }
  return best;
}

/** What findTerminalRow needs of an xterm buffer (its active buffer: rows, wrap flags, text). */
export interface BufferLike {
  length: number;
  getLine(row: number): { isWrapped: boolean; translateToString(trimRight?: boolean): string } | undefined;
}

/** The logical lines of a terminal buffer: wrapped rows joined to the row they continue. */
export function logicalLines(buffer: BufferLike): TerminalLine[] {
  const out: TerminalLine[] = [];
  for (let row = 0; row < buffer.length; row += 1) {
    const line = buffer.getLine(row);
    if (!line) continue;
    const text = line.translateToString(true);
    const last = out[out.length - 1];
    if (line.isWrapped && last) last.text += text;
    else out.push({ row, text });
  }
  // the rows below the last output (an empty screen's rest) are not lines
  while (out.length > 0 && out[out.length - 1]!.text === '') out.pop();
  return out;
}
