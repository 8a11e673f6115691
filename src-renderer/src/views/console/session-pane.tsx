import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useApi } from '../../api/api-context.js';
import { toClientError } from '../../api/client-error.js';
import { BootTimeline } from './boot-timeline.js';
import { ConsoleTerminal, type TerminalHandle } from './console-terminal.js';
import type { ConsoleSession, OpenSettings } from './console-types.js';
import { SaveLog } from './save-log.js';
import { SearchBar } from './search-bar.js';
import { SessionBanner } from './session-banner.js';
import type { TerminalHub } from './terminal-hub.js';
import { PinnedSelection } from './pinned-selection.js';
import { findTerminalRow, logicalLines } from './terminal-line.js';

/** "115200 8N1", "9600 7E2 RTS/CTS". */
function lineSettings(s: OpenSettings): string {
  const flow = s.flowControl === 'none' ? '' : s.flowControl === 'rtscts' ? ' RTS/CTS' : ' XON/XOFF';
  return `${s.baudRate} ${s.dataBits}${s.parity[0]!.toUpperCase()}${s.stopBits}${flow}`;
}

/** One board: its terminal with the input controls, its state banner, and its live boot timeline beside it. */
export function SessionPane(props: {
  session: ConsoleSession;
  hub: TerminalHub;
  visible: boolean;
  onConfigure(change: { newline?: OpenSettings['newline']; localEcho?: boolean; restartAnalysis?: boolean }): void;
  onClose(): void;
}): ReactNode {
  const api = useApi();
  const { info, verdict } = props.session;
  const id = info.sessionId;
  const handle = useRef<TerminalHandle | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const queue = useRef({ text: '', busy: false });
  const pinned = useRef<PinnedSelection | null>(null);
  useEffect(() => () => pinned.current?.clear(), []);

  /** Typed keys in order, batched while a write is on its way. */
  const send = useCallback(
    (text: string) => {
      const q = queue.current;
      q.text += text;
      if (q.busy) return;
      q.busy = true;
      void (async () => {
        while (q.text) {
          const chunk = q.text;
          q.text = '';
          try {
            await api.call('serial.write', { sessionId: id, text: chunk });
            setNote(null);
          } catch (e) {
            setNote(`Not sent: ${toClientError(e).message}`);
            q.text = '';
          }
        }
        q.busy = false;
      })();
    },
    [api, id],
  );

  /** A stage's or the verdict's line, chosen in the timeline: scrolled to in the terminal and selected. */
  const showLine = (n: number): void => {
    const term = handle.current?.term;
    if (!term || !verdict) return;
    const text = [...verdict.evidence, ...verdict.stages.flatMap((s) => (s.opened ? [s.opened] : []))].find((l) => l.line === n)?.text ?? '';
    const row = findTerminalRow(logicalLines(term.buffer.active), text, n, verdict.lines);
    if (row === null) {
      setNote(`Line ${n} is no longer in the terminal's scrollback.`);
      return;
    }
    if (pinned.current?.term !== term) {
      pinned.current?.clear();
      pinned.current = new PinnedSelection(term);
    }
    pinned.current.pin(row, term.buffer.active.getLine(row)?.translateToString(true).length ?? 1);
    setNote(`Line ${n}, selected in the terminal.`);
  };

  const sendBreak = async (): Promise<void> => {
    try {
      const r = await api.call('serial.write', { sessionId: id, sendBreak: true });
      setNote(r.note ?? 'Break sent.');
    } catch (e) {
      setNote(`Break not sent: ${toClientError(e).message}`);
    }
  };

  const copy = async (): Promise<void> => {
    const sel = handle.current?.term.getSelection() ?? '';
    if (!sel) {
      setNote('Select text in the terminal first (drag with the mouse).');
      return;
    }
    try {
      await navigator.clipboard.writeText(sel);
      setNote(`Copied ${sel.length} characters.`);
    } catch {
      setNote('The browser refused the clipboard: use Ctrl+Shift+C in the terminal.');
    }
  };

  useEffect(() => {
    if (!note) return;
    const t = setTimeout(() => setNote(null), 6000);
    return () => clearTimeout(t);
  }, [note]);

  const open = info.state === 'open';
  return (
    <section className="console-session" data-testid="console-session" data-session={id} data-path={info.openedPath} hidden={!props.visible}>
      <div className="console-session__main">
        <header className="console-session__head">
          <div className="console-session__id">
            <strong>{info.name}</strong>
            <span className="mono">{info.path}</span>
            {info.path !== info.openedPath && <span className="muted small">(opened as {info.openedPath})</span>}
            <span className="badge">{lineSettings(info.settings)}</span>
            {info.reconnects > 0 && <span className="badge">reconnected ×{info.reconnects}</span>}
          </div>
          <div className="console-session__actions">
            <SaveLog textLog={info.textLog} onNote={setNote} />
            <button type="button" className="button button--small button--danger-outline" data-testid="close-port" disabled={info.state === 'closed'} onClick={props.onClose}>
              Close port
            </button>
          </div>
        </header>
        <SessionBanner session={props.session} />
        <div className="console-toolbar" role="toolbar" aria-label="Console input">
          <label className="console-toolbar__field">
            <span>Enter sends</span>
            <select
              className="input input--compact"
              data-testid="newline-mode"
              value={info.settings.newline}
              onChange={(e) => props.onConfigure({ newline: e.target.value as OpenSettings['newline'] })}
            >
              <option value="CR">CR</option>
              <option value="LF">LF</option>
              <option value="CRLF">CR LF</option>
            </select>
          </label>
          <label className="check check--small console-toolbar__field">
            <input type="checkbox" data-testid="local-echo" checked={info.settings.localEcho} onChange={(e) => props.onConfigure({ localEcho: e.target.checked })} />
            <span>Local echo</span>
          </label>
          <button type="button" className="button button--small" data-testid="send-break" disabled={!open} onClick={() => void sendBreak()}>
            Send break
          </button>
          <span className="console-toolbar__sep" aria-hidden="true" />
          <SearchBar handle={handle} />
          <span className="console-toolbar__sep" aria-hidden="true" />
          <button type="button" className="button button--small" data-testid="copy-selection" onClick={() => void copy()} title="Copy the selected text (Ctrl+Shift+C)">
            Copy
          </button>
        </div>
        <ConsoleTerminal sessionId={id} hub={props.hub} visible={props.visible} onInput={send} handleRef={handle} />
        <p className="console-status small" role="status" data-testid="console-note">
          {note ?? (open ? 'Type in the terminal to talk to the board. Ctrl+Shift+C copies.' : '')}
        </p>
      </div>
      <div className="console-session__side">
        <BootTimeline verdict={verdict} mode="live" testId="live-timeline" onLine={showLine} />
        <button type="button" className="button button--small console-session__restart" data-testid="restart-analysis" onClick={() => props.onConfigure({ restartAnalysis: true })}>
          Restart timeline (board power-cycled)
        </button>
      </div>
    </section>
  );
}
