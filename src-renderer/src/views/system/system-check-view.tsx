import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { DoctorCheckData, DoctorReportData } from '../../../../src-main/api/contract.js';
import { useApi, useHost } from '../../api/api-context.js';
import { useMessages } from '../../components/messages.js';
import { assertNever } from '../../util/assert-never.js';

/** The words of a check's state, as the screen shows them next to its mark. */
function stateWords(state: DoctorCheckData['state']): { mark: string; word: string } {
  switch (state) {
    case 'ok':
      return { mark: '✓', word: 'OK' };
    case 'warn':
      return { mark: '!', word: 'Warning' };
    case 'fail':
      return { mark: '✕', word: 'Failed' };
    default:
      return assertNever(state);
  }
}

/** The summary line of a report. */
function summary(report: DoctorReportData): string {
  const fails = report.checks.filter((c) => c.state === 'fail').length;
  const warns = report.checks.filter((c) => c.state === 'warn').length;
  if (fails + warns === 0) return 'Everything is ready.';
  return `${fails} failed, ${warns} warning${warns === 1 ? '' : 's'}: each says what to do.`;
}

/**
 * The System check (`walt-bench doctor` on screen): raw disk access, serial ports, ports 67/69, tcpdump, the state
 * folder, free space, virtual drives, versions; each with its state, what was found and the exact fix. The checks
 * run where the work is done (the station's machine, or the desktop app's own).
 */
export function SystemCheckView(props: { report: DoctorReportData | null; onReport(r: DoctorReportData): void }): ReactNode {
  const api = useApi();
  const host = useHost();
  const { reportError } = useMessages();
  const [running, setRunning] = useState(false);
  const { onReport } = props;

  const run = useCallback(async () => {
    setRunning(true);
    try {
      onReport(await api.call('doctor.run', {}));
    } catch (e) {
      reportError(e, 'Cannot run the system check');
    } finally {
      setRunning(false);
    }
  }, [api, onReport, reportError]);

  // Runs when the screen opens without a report (the first-run check has usually made one already).
  const missing = props.report === null;
  useEffect(() => {
    if (missing) void run();
  }, [missing, run]);

  const report = props.report;
  return (
    <section className="system-check" aria-labelledby="system-check-title" data-testid="system-check-view">
      <header className="system-check__header">
        <h2 id="system-check-title">System check</h2>
        <span className="muted" data-testid="system-check-summary">
          {report ? `${summary(report)} Checked as ${report.user.name} (uid ${report.user.uid}) on ${host.mode === 'station' ? 'the station' : 'this computer'}.` : 'Checking…'}
        </span>
        <button type="button" className="button button--small" data-testid="system-check-rerun" disabled={running} onClick={() => void run()}>
          {running ? 'Checking…' : 'Check again'}
        </button>
      </header>
      {report && (
        <ul className="system-check__list">
          {report.checks.map((c) => {
            const words = stateWords(c.state);
            return (
              <li key={c.id} className={`system-check__item system-check__item--${c.state}`} data-testid={`system-check-${c.id}`} data-state={c.state}>
                <span className="system-check__mark" aria-hidden="true">
                  {words.mark}
                </span>
                <div className="system-check__body">
                  <div className="system-check__title">
                    {c.title} <span className="visually-hidden">{words.word}</span>
                  </div>
                  <div className="system-check__found">{c.found}</div>
                  {c.fix && (
                    <div className="system-check__fix">
                      Fix: <code className="mono">{c.fix}</code>
                    </div>
                  )}
                </div>
                <span className={`system-check__state system-check__state--${c.state}`}>{words.word}</span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
