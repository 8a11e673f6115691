import { useEffect, useRef, type ReactNode, type RefObject } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import '@xterm/xterm/css/xterm.css';
import { installCspSafeStyles, pruneDetachedStyles } from './csp-styles.js';
import type { TerminalHub } from './terminal-hub.js';

/** What the toolbar needs of a mounted terminal. */
export interface TerminalHandle {
  term: Terminal;
  search: SearchAddon;
}

const THEME = {
  background: '#0c1118',
  foreground: '#d5dde7',
  cursor: '#f0b429',
  cursorAccent: '#0c1118',
  selectionBackground: '#2f5b9a',
  black: '#1b2230',
  red: '#ff6b6b',
  green: '#5fd38d',
  yellow: '#f0c36d',
  blue: '#6ea8ff',
  magenta: '#c792ea',
  cyan: '#5ccfe6',
  white: '#d5dde7',
  brightBlack: '#5a6678',
  brightRed: '#ff8f8f',
  brightGreen: '#8be9b0',
  brightYellow: '#ffd88a',
  brightBlue: '#9cc3ff',
  brightMagenta: '#ddb6f2',
  brightCyan: '#8fe3f2',
  brightWhite: '#ffffff',
};

/**
 * One port's terminal (@xterm/xterm): the session's bytes in, typed keys and pastes out (onInput). It stays mounted
 * while its tab is hidden, so the scrollback survives; it refits when shown or resized.
 */
export function ConsoleTerminal(props: {
  sessionId: string;
  hub: TerminalHub;
  visible: boolean;
  onInput(text: string): void;
  handleRef: RefObject<TerminalHandle | null>;
}): ReactNode {
  const host = useRef<HTMLDivElement>(null);
  const fitRef = useRef<FitAddon | null>(null);
  const input = useRef(props.onInput);
  input.current = props.onInput;
  const { sessionId, hub, handleRef } = props;

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    installCspSafeStyles();
    const term = new Terminal({
      theme: THEME,
      fontFamily: "'DejaVu Sans Mono', 'Liberation Mono', ui-monospace, monospace",
      fontSize: 14,
      lineHeight: 1.15,
      scrollback: 20000,
      convertEol: false,
      cursorBlink: true,
      allowProposedApi: true,
    });
    const fit = new FitAddon();
    const search = new SearchAddon();
    term.loadAddon(fit);
    term.loadAddon(search);
    term.open(el);
    fitRef.current = fit;
    handleRef.current = { term, search };
    const typed = term.onData((d) => input.current(d));
    // Ctrl+Shift+C copies the selection (Ctrl+C goes to the board)
    term.attachCustomKeyEventHandler((e) => {
      if (e.type === 'keydown' && e.ctrlKey && e.shiftKey && (e.key === 'C' || e.key === 'c')) {
        const sel = term.getSelection();
        if (sel) void navigator.clipboard?.writeText(sel).catch(() => undefined);
        return false;
      }
      return true;
    });
    const detach = hub.attach(sessionId, (bytes) => term.write(bytes));
    const resize = new ResizeObserver(() => {
      if (el.offsetWidth > 0 && el.offsetHeight > 0) fit.fit();
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      detach();
      typed.dispose();
      handleRef.current = null;
      fitRef.current = null;
      term.dispose();
      pruneDetachedStyles();
    };
  }, [sessionId, hub, handleRef]);

  useEffect(() => {
    if (props.visible && host.current && host.current.offsetWidth > 0) {
      fitRef.current?.fit();
      handleRef.current?.term.focus();
    }
  }, [props.visible, handleRef]);

  return <div className="console-terminal" ref={host} data-testid={`terminal-${sessionId}`} />;
}
