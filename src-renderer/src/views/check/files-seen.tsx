import type { ReactNode } from 'react';
import { byteCount, type Verdict } from './check-steps.js';

const RESULT_TEXT: Record<string, string> = {
  started: 'transferring',
  complete: 'fetched',
  'not-found': 'not found',
  refused: 'refused',
  timeout: 'timed out',
  error: 'error',
  'seen-on-console': 'on console',
};

/** The files the board asked for, in order, with how each went. */
export function FilesSeen(props: { files: Verdict['files'] }): ReactNode {
  return (
    <div className="check-files" data-testid="check-files">
      <h3 className="check-subtitle">Files the board asked for</h3>
      {props.files.length === 0 ? (
        <p className="muted small">None yet.</p>
      ) : (
        <ol className="check-files__list">
          {props.files.map((f, i) => (
            <li key={`${f.name}-${i}`} className="check-files__item" data-testid="check-file" data-file={f.name} data-result={f.result}>
              <span className="mono check-files__name">{f.name}</span>
              <span className={`result ${f.result === 'complete' ? 'result--ok' : f.result === 'not-found' ? 'result--cancelled' : f.result === 'seen-on-console' || f.result === 'started' ? 'result--info' : 'result--failed'}`}>
                {RESULT_TEXT[f.result] ?? f.result}
              </span>
              <span className="numeric muted">{f.bytes !== null ? byteCount(f.bytes) : ''}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
