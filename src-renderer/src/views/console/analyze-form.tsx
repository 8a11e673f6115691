import { useCallback, useState, type ReactNode } from 'react';
import { useApi } from '../../api/api-context.js';
import type { CommandOutput } from '../../../../src-main/api/contract.js';

type LogFile = CommandOutput<'serial.logs.list'>[number];

/** "Analyze a log file": a captured console log on the station (typed path, or a console log of this station). */
export function AnalyzeForm(props: { onAnalyze(path: string, expect: string | null): Promise<boolean> }): ReactNode {
  const api = useApi();
  const [path, setPath] = useState('');
  const [expect, setExpect] = useState('');
  const [logs, setLogs] = useState<LogFile[] | null>(null);
  const [busy, setBusy] = useState(false);

  const loadLogs = useCallback(async () => {
    try {
      setLogs((await api.call('serial.logs.list', {})).filter((l) => l.kind === 'text'));
    } catch {
      setLogs([]);
    }
  }, [api]);

  return (
    <form
      className="console-panel analyze-form"
      data-testid="analyze-form"
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        // the expected model belongs to this analysis only: cleared once it is opened, never carried to the next log
        void props
          .onAnalyze(path.trim(), expect.trim() || null)
          .then((ok) => ok && setExpect(''))
          .finally(() => setBusy(false));
      }}
    >
      <h3 className="console-panel__title">Analyze a log file</h3>
      <div className="port-picker__row">
        <label className="port-picker__field port-picker__field--path">
          <span>Captured log on the station</span>
          <input
            className="input input--mono"
            data-testid="analyze-path"
            placeholder="/home/tech/minicom.cap"
            list="console-logs"
            value={path}
            spellCheck={false}
            onFocus={() => logs === null && void loadLogs()}
            onChange={(e) => setPath(e.target.value)}
          />
          <datalist id="console-logs">
            {(logs ?? []).map((l) => (
              <option key={l.path} value={l.path} />
            ))}
          </datalist>
        </label>
        <label className="port-picker__field port-picker__field--model">
          <span>Expected model</span>
          <input className="input" placeholder="optional, for this log" data-testid="analyze-expect" value={expect} onChange={(e) => setExpect(e.target.value)} />
        </label>
        <button type="submit" className="button" data-testid="analyze-button" disabled={busy || !path.trim().startsWith('/')}>
          {busy ? 'Analyzing…' : 'Analyze'}
        </button>
      </div>
      <p className="small muted">Opens read-only in the timeline. The station's own console logs are offered as you type.</p>
    </form>
  );
}
