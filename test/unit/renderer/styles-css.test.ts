// The stylesheet's blocks are well formed: every brace closed, and no rule opened inside another rule (a merge that
// drops one `}` turns every rule after it into a nested selector that the browser ignores without a word).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const CSS_PATH = join(__dirname, '..', '..', '..', 'src-renderer', 'src', 'styles.css');

/** Where the first malformed block is ("line N: why"), or null when every block is well formed. */
function firstMalformedBlock(css: string): string | null {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '));
  const stack: { atRule: boolean; line: number }[] = [];
  let line = 1;
  let head = '';
  for (const ch of text) {
    if (ch === '\n') line += 1;
    if (ch === '{') {
      const top = stack[stack.length - 1];
      if (top && !top.atRule) return `line ${line}: a rule opened inside the rule of line ${top.line} (a missing "}")`;
      stack.push({ atRule: head.trim().startsWith('@'), line });
      head = '';
    } else if (ch === '}') {
      if (!stack.pop()) return `line ${line}: a "}" closes nothing`;
      head = '';
    } else if (ch === ';') {
      head = '';
    } else {
      head += ch;
    }
  }
  const open = stack[stack.length - 1];
  return open ? `line ${open.line}: a block never closed` : null;
}

test('styles.css: every block closed, no rule inside a rule', () => {
  assert.equal(firstMalformedBlock(readFileSync(CSS_PATH, 'utf8')), null);
});

test('the check finds a dropped "}" and an extra one', () => {
  assert.match(firstMalformedBlock('.a {\n  width: 1px;\n.b {\n  color: red;\n}\n') ?? '', /line 3: a rule opened inside the rule of line 1/);
  assert.match(firstMalformedBlock('.a { color: red; }\n}\n') ?? '', /line 2: a "}" closes nothing/);
  assert.equal(firstMalformedBlock('@media (width <= 800px) {\n  .a { color: red; }\n}\n'), null);
});
