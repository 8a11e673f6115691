import { useEffect, useState, type ReactNode, type RefObject } from 'react';
import type { ISearchOptions } from '@xterm/addon-search';
import type { TerminalHandle } from './console-terminal.js';

const OPTIONS: ISearchOptions = {
  caseSensitive: false,
  decorations: {
    matchBackground: '#5b4a14',
    matchOverviewRuler: '#f0c36d',
    activeMatchBackground: '#f0b429',
    activeMatchColorOverviewRuler: '#ffffff',
  },
};

/** Search in the terminal's scrollback (@xterm/addon-search): Enter for the next match, Shift+Enter the previous. */
export function SearchBar(props: { handle: RefObject<TerminalHandle | null> }): ReactNode {
  const [query, setQuery] = useState('');
  const [result, setResult] = useState<{ index: number; count: number } | null>(null);
  const { handle } = props;

  useEffect(() => {
    const h = handle.current;
    if (!h) return;
    const sub = h.search.onDidChangeResults((r) => setResult({ index: r.resultIndex, count: r.resultCount }));
    return () => sub.dispose();
  });

  const find = (backwards: boolean): void => {
    const h = handle.current;
    if (!h) return;
    if (!query) {
      h.search.clearDecorations();
      setResult(null);
      return;
    }
    const found = backwards ? h.search.findPrevious(query, OPTIONS) : h.search.findNext(query, OPTIONS);
    if (!found) setResult({ index: -1, count: 0 });
  };

  return (
    <form
      className="console-search"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        find(false);
      }}
    >
      <input
        className="input input--compact input--mono"
        type="search"
        placeholder="Search scrollback"
        aria-label="Search the scrollback"
        data-testid="search-input"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          if (!e.target.value) {
            handle.current?.search.clearDecorations();
            setResult(null);
          }
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && e.shiftKey) {
            e.preventDefault();
            find(true);
          }
        }}
      />
      <button type="button" className="button button--small" aria-label="Previous match" onClick={() => find(true)}>
        ↑
      </button>
      <button type="submit" className="button button--small" aria-label="Next match" data-testid="search-next">
        ↓
      </button>
      <span className="console-search__count small numeric" data-testid="search-count" aria-live="polite">
        {result === null ? '' : result.count === 0 ? 'no match' : `${result.index + 1} of ${result.count}`}
      </span>
    </form>
  );
}
