import type { ReactNode } from 'react';
import { STAGE_IDS, STAGE_LABELS } from '../../../../src-main/core/boot/stages.js';
import { formatBytes } from '../../util/format.js';
import { formatSincePowerOn, verdictBadge } from './boot-format.js';
import type { BootVerdictData, StageData } from './console-types.js';

const ICONS: Record<StageData['state'], string> = { pending: '', active: '', done: '✓', failed: '✕' };

/** The boot timeline: the verdict, one row per stage (live or from a captured log), files, addresses. */
export function BootTimeline(props: { verdict: BootVerdictData | null; mode: 'live' | 'log'; testId: string; onLine?: (line: number) => void }): ReactNode {
  const v = props.verdict;
  const stages: StageData[] = v?.stages ?? STAGE_IDS.map((id) => ({ id, label: STAGE_LABELS[id], state: 'pending', at: null, detail: null, opened: null, last: null }));
  const badge = verdictBadge(v);
  const failed = stages.filter((s) => s.state === 'failed');
  const diagnosisRow = failed.length > 0 ? failed[failed.length - 1]!.id : null;
  // a captured log without timestamps puts every stage at 0: no times then
  const timed = props.mode === 'live' || stages.some((s) => (s.at ?? 0) > 0);
  return (
    <aside className={`boot-timeline boot-timeline--${props.mode}`} data-testid={props.testId} aria-label="Boot timeline">
      <header className="boot-timeline__head">
        <div className="boot-timeline__title">
          <h3>Boot timeline</h3>
          <span className="muted small">{props.mode === 'live' ? (v?.final ? 'verdict reached' : 'live') : 'from a captured log, read-only'}</span>
        </div>
        <span className={`boot-outcome boot-outcome--${badge.tone}`} data-testid="verdict-outcome" data-outcome={badge.outcome} data-final={v?.final ? 'true' : 'false'}>
          {badge.text}
          {badge.outcome !== 'none' && (
            <span className="boot-outcome__code">
              {badge.outcome}
              {v && !v.final ? ' · so far' : ''}
            </span>
          )}
        </span>
      </header>
      {v && v.resetLoop && (
        <p className="boot-timeline__alert" role="alert">
          Reset loop: the board restarted {v.resets} times.
        </p>
      )}
      <ol className="boot-stages">
        {stages.map((s) => (
          <li
            key={`${s.id}-${s.state}`}
            className={`boot-stage boot-stage--${s.state}`}
            data-testid={`stage-${s.id}`}
            data-state={s.state}
            aria-label={`${s.label}: ${s.state}`}
          >
            <span className="boot-stage__dot" aria-hidden="true">
              {ICONS[s.state]}
            </span>
            <div className="boot-stage__body">
              <div className="boot-stage__line">
                <span className="boot-stage__label">{s.label}</span>
                <span className="boot-stage__time numeric">{timed ? formatSincePowerOn(s.at) : ''}</span>
              </div>
              {s.detail && <div className="boot-stage__detail mono">{s.detail}</div>}
              {s.opened && s.state !== 'pending' && (
                <LineRef line={s.opened.line} text={s.opened.text} testId={`stage-${s.id}-line`} onLine={props.onLine} label={`line ${s.opened.line}`} />
              )}
              {v && s.id === diagnosisRow && (
                <div className="boot-stage__diagnosis" data-testid="stage-diagnosis">
                  <p>{v.diagnosis}</p>
                  {v.decidingLine && <code className="boot-stage__quote">{v.decidingLine}</code>}
                  {v.evidence.map((e) => (
                    <LineRef key={`${e.role}-${e.line}`} line={e.line} text={e.text} testId="verdict-evidence" onLine={props.onLine} label={`line ${e.line} (${e.role}, confidence ${v.confidence})`} />
                  ))}
                </div>
              )}
            </div>
          </li>
        ))}
      </ol>
      {v && <VerdictFacts verdict={v} showDiagnosis={diagnosisRow === null} />}
    </aside>
  );
}

/** A console line a stage or the verdict points to: a button that shows it in the log when the view can. */
function LineRef(props: { line: number; text: string; testId: string; label: string; onLine?: ((line: number) => void) | undefined }): ReactNode {
  const { onLine } = props;
  if (!onLine) {
    return (
      <div className="boot-stage__evidence mono muted small" data-testid={props.testId} title={props.text}>
        {props.label}
      </div>
    );
  }
  return (
    <button type="button" className="boot-stage__evidence boot-stage__evidence--link mono small" data-testid={props.testId} title={props.text} onClick={() => onLine(props.line)}>
      {props.label}
    </button>
  );
}

/** The model the board reported (its probe line), against the one expected; says which part is unknown. */
export function modelFact(v: Pick<BootVerdictData, 'expectedModel' | 'reportedModel'>): string | null {
  const { expectedModel: expected, reportedModel: reported } = v;
  if (!expected && !reported) return null;
  if (!reported) return `expected ${expected}; the board did not report its model (no probe script line in the log)`;
  if (!expected) return `${reported} (reported by the probe script)`;
  return reported === expected ? `${reported} (as expected)` : `${reported}, but ${expected} was expected`;
}

/** Under the rows: the diagnosis (when no row failed), hints, files with sizes, addresses. */
function VerdictFacts(props: { verdict: BootVerdictData; showDiagnosis: boolean }): ReactNode {
  const v = props.verdict;
  const facts: [string, string | null][] = [
    ['IP address', v.ip],
    ['Server', v.server],
    ['MAC', v.mac],
    ['Board', v.board],
    ['Loaders', v.loaders.length ? v.loaders.join(' → ') : null],
    ['Model', modelFact(v)],
    ['Resets', v.resets > 0 ? String(v.resets) : null],
  ];
  return (
    <div className="boot-timeline__facts">
      {props.showDiagnosis && v.furthestStage !== null && (
        <p className="boot-timeline__diagnosis" data-testid="verdict-diagnosis">
          {v.diagnosis}
        </p>
      )}
      {v.hints.length > 0 && (
        <ul className="boot-timeline__hints" data-testid="verdict-hints">
          {v.hints.map((h) => (
            <li key={h}>{h}</li>
          ))}
        </ul>
      )}
      {v.files.length > 0 && (
        <table className="boot-files" data-testid="boot-files">
          <caption className="visually-hidden">Files the board asked for</caption>
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col" className="num">
                Size
              </th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {v.files.map((f, i) => (
              <tr key={`${f.name}-${i}`} className={`boot-file boot-file--${f.status}`} data-testid={`boot-file-${f.name}`}>
                <td className="mono break">
                  {f.name}
                  {f.server && <span className="muted small block">from {f.server}</span>}
                </td>
                <td className="num numeric">{f.size === null ? '' : formatBytes(f.size)}</td>
                <td>
                  <span className={`boot-file__status boot-file__status--${f.status}`}>{f.error ?? (f.status === 'ok' ? 'received' : f.status)}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <dl className="boot-facts" data-testid="boot-facts">
        {facts
          .filter(([, value]) => value !== null)
          .map(([k, value]) => (
            <div key={k} className="boot-facts__row">
              <dt>{k}</dt>
              <dd className="mono">{value}</dd>
            </div>
          ))}
      </dl>
    </div>
  );
}
