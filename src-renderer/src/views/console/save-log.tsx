import { useState, type ReactNode } from 'react';
import { useApi, useHost } from '../../api/api-context.js';
import { toClientError } from '../../api/client-error.js';
import { formatBytes } from '../../util/format.js';
import { logName } from './boot-format.js';

const CHUNK = 4 * 1024 * 1024;

/**
 * Saves the session's text log (a timestamp per line): in a browser as a download; on the station's disk by path
 * (serial.logs.export) from the small form, which is the only way in the desktop app (it refuses downloads).
 */
export function SaveLog(props: { textLog: string; onNote(text: string): void }): ReactNode {
  const api = useApi();
  const host = useHost();
  const name = logName(props.textLog);
  const [exporting, setExporting] = useState(false);
  const [to, setTo] = useState('');
  // an existing file is never replaced unless the technician says so (the API refuses it otherwise)
  const [overwrite, setOverwrite] = useState(false);

  const download = async (): Promise<void> => {
    try {
      const parts: string[] = [];
      let offset = 0;
      for (;;) {
        const r = await api.call('serial.logs.read', { name, offset, length: CHUNK });
        parts.push(r.data);
        offset += r.data.length === 0 ? CHUNK : new TextEncoder().encode(r.data).length;
        if (r.data.length === 0 || offset >= r.size) break;
      }
      const url = URL.createObjectURL(new Blob(parts, { type: 'text/plain' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      props.onNote(`Saved ${name}.`);
    } catch (e) {
      props.onNote(`Cannot save the log: ${toClientError(e).message}`);
    }
  };

  const exportTo = async (): Promise<void> => {
    try {
      const r = await api.call('serial.logs.export', { name, to: to.trim(), overwrite });
      props.onNote(`Log written to ${r.path} (${formatBytes(r.size)}).`);
      setExporting(false);
    } catch (e) {
      props.onNote(`Cannot export the log: ${toClientError(e).message}`);
    }
  };

  return (
    <>
      {host.mode === 'station' && (
        <button type="button" className="button button--small" data-testid="save-log" onClick={() => void download()} title={`Download ${name}`}>
          Save log
        </button>
      )}
      <button type="button" className="button button--small" data-testid="export-log" title="Copy the log to a path on the station" aria-expanded={exporting} onClick={() => setExporting((x) => !x)}>
        {host.mode === 'station' ? 'Export…' : 'Save log…'}
      </button>
      {exporting && (
        <form
          className="console-export"
          onSubmit={(e) => {
            e.preventDefault();
            void exportTo();
          }}
        >
          <input
            className="input input--compact input--mono"
            placeholder="/home/tech/board-42.log"
            aria-label="Export the log to this path"
            data-testid="export-path"
            value={to}
            onChange={(e) => setTo(e.target.value)}
            autoFocus
          />
          <label className="console-export__overwrite">
            <input type="checkbox" data-testid="export-overwrite" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} /> replace an existing file
          </label>
          <button type="submit" className="button button--small button--primary" disabled={!to.trim().startsWith('/')}>
            Export
          </button>
        </form>
      )}
    </>
  );
}
