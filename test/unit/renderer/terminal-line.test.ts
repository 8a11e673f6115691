/**
 * The live terminal's jump to a timeline line: the analyzer's line number and text find the terminal row, wrapped
 * rows count as one line, a repeated line picks the occurrence at the same distance from the end, and a line the
 * scrollback dropped is not found.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type BufferLike, findTerminalRow, logicalLines } from '../../../src-renderer/src/views/console/terminal-line.js';

/** A terminal buffer of 20-column rows, as xterm lays out text (long lines wrap onto continuation rows). */
function buffer(lines: string[], cols = 20, blankRows = 3): BufferLike {
  const rows: { isWrapped: boolean; text: string }[] = [];
  for (const l of lines) {
    if (l === '') rows.push({ isWrapped: false, text: '' });
    for (let i = 0; i < l.length; i += cols) rows.push({ isWrapped: i > 0, text: l.slice(i, i + cols) });
  }
  for (let i = 0; i < blankRows; i += 1) rows.push({ isWrapped: false, text: '' });
  return { length: rows.length, getLine: (r) => (rows[r] ? { isWrapped: rows[r]!.isWrapped, translateToString: () => rows[r]!.text } : undefined) };
}

const session = ['U-Boot 2024.01', 'BOOTP broadcast 1', 'BOOTP broadcast 2', "Filename 'zImage-with-a-long-name'.", 'Loading: T T T', 'BOOTP broadcast 1', 'Retry count exceeded; starting again'];

test('a wrapped line is one logical line, found by its whole text', () => {
  const lines = logicalLines(buffer(session));
  assert.equal(lines.length, session.length);
  // "Filename ..." is 35 characters: rows 3 and 4; the next line starts on row 5
  assert.equal(findTerminalRow(lines, "Filename 'zImage-with-a-long-name'.", 4, session.length), 3);
  assert.equal(findTerminalRow(lines, 'Loading: T T T', 5, session.length), 5);
});

test('a repeated line: the occurrence as far from the end as the analyzer line', () => {
  const lines = logicalLines(buffer(session));
  assert.equal(findTerminalRow(lines, 'BOOTP broadcast 1', 2, session.length), 1);
  assert.equal(findTerminalRow(lines, 'BOOTP broadcast 1', 6, session.length), 6);
});

test('the scrollback dropped the first lines: numbering from the end still finds the line', () => {
  const kept = session.slice(3);
  const lines = logicalLines(buffer(kept));
  assert.equal(findTerminalRow(lines, 'BOOTP broadcast 1', 6, session.length), 3);
  assert.equal(findTerminalRow(lines, 'BOOTP broadcast 2', 3, session.length), null);
  assert.equal(findTerminalRow(lines, '', 1, session.length), null);
});
