import type { ReactNode } from 'react';
import { clockTime } from './check-steps.js';
import type { TftpRow } from './use-boot-check.js';

const RESULT_CLASS: Record<string, string> = {
  complete: 'result--ok',
  started: 'result--info',
  'not-found': 'result--cancelled',
};

/** The TFTP requests the bench saw, newest first. */
export function TftpList(props: { rows: TftpRow[] }): ReactNode {
  return (
    <section className="step check-panel" aria-labelledby="tftp-title" data-testid="tftp-requests">
      <header className="step__header">
        <h2 id="tftp-title" className="check-panel__title">
          TFTP requests
        </h2>
      </header>
      {props.rows.length === 0 ? (
        <p className="muted check-panel__empty">No file requested yet.</p>
      ) : (
        <ul className="tftp-list check-panel__scroll" data-testid="tftp-list">
          {props.rows.map((t) => (
            <li key={t.key} className="tftp-list__item" data-testid="tftp-row" data-file={t.filename} data-result={t.result}>
              <span className="numeric muted small">{clockTime(t.time)}</span>
              <span className="mono tftp-list__name">{t.filename}</span>
              <span className={`result ${RESULT_CLASS[t.result] ?? 'result--failed'}`}>{t.result}</span>
              <span className="muted small tftp-list__detail">
                {t.clientIp}
                {t.result === 'complete' && ` · ${t.bytes.toLocaleString('en')} bytes in ${t.durationMs} ms (blksize ${t.blksize})`}
                {t.servedFrom && ` · from ${t.servedFrom}`}
                {t.message && ` · ${t.message}`}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
