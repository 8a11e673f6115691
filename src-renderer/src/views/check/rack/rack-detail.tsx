import type { ReactNode } from 'react';
import { byteCount, seedStep, sinceStart } from '../check-steps.js';
import { vendorOf, type RackBoardData } from './rack-rows.js';

const ICON: Record<string, string> = { pending: '…', ok: '✓', failed: '✗', skipped: '–' };
const STATE_TEXT: Record<string, string> = { pending: 'waiting', ok: 'ok', failed: 'failed', skipped: 'not watched' };

/** The selected board: its verdict and diagnosis, its five checks with their reasons, files, classes, console. */
export function RackDetail(props: { board: RackBoardData | null }): ReactNode {
  const b = props.board;
  if (!b) {
    return (
      <section className="step rack-detail" aria-label="Selected board" data-testid="rack-detail">
        <p className="muted check-panel__empty">Select a board in the table to see its checks.</p>
      </section>
    );
  }
  const model = b.model ?? b.modelSent ?? '';
  return (
    <section className={`step rack-detail rack-detail--${b.verdict}`} aria-label={`Board ${b.mac}`} data-testid="rack-detail" data-mac={b.mac}>
      <header className="step__header">
        <h2 className="step__title mono">{b.mac}</h2>
        <span className={`rack-verdict rack-verdict--${b.verdict}`} data-testid="rack-detail-verdict">
          {b.verdict === 'pending' ? 'waiting' : b.verdict.toUpperCase()}
        </span>
      </header>
      <div className="step__body">
        {b.diagnosis && (
          <p className={`note${b.verdict === 'fail' ? ' note--block' : ''}`} data-testid="rack-detail-diagnosis">
            {b.diagnosis}
          </p>
        )}
        <dl className="facts check-facts">
          <dt>Vendor</dt>
          <dd>{vendorOf(b) ?? '—'}</dd>
          <dt>Model expected</dt>
          <dd className="mono">{b.model ?? 'any walt.node.*'}</dd>
          <dt>Vendor class</dt>
          <dd className="mono break" data-testid="rack-detail-vci">{b.vci ?? '—'}</dd>
          <dt>User class</dt>
          <dd className="mono break">{b.uci ?? '—'}</dd>
          <dt>Address</dt>
          <dd className="mono">{b.ip ?? '—'}</dd>
          <dt>Attempts</dt>
          <dd data-testid="rack-detail-attempts">{b.attempts}</dd>
          <dt>Console</dt>
          <dd className="mono" data-testid="rack-detail-port">{b.port ?? 'none joined'}</dd>
          <dt>Seen</dt>
          <dd>
            {sinceStart(b.firstSeenMs)}, last change {sinceStart(b.lastChangeMs)}
          </dd>
        </dl>
        <ol className="checklist">
          {b.checks.map((c) => {
            const s = seedStep(c.id, model);
            return (
              <li key={c.id} className={`checklist__row checklist__row--${c.state}`} data-testid={`rack-detail-check-${c.id}`} data-state={c.state}>
                <span className="checklist__step" title={s.guide}>
                  {s.name}
                </span>
                <span className="checklist__icon" aria-hidden="true">
                  {ICON[c.state]}
                </span>
                <div className="checklist__text">
                  <span className="checklist__label">
                    {s.label}
                    <span className="visually-hidden">: {STATE_TEXT[c.state]}</span>
                  </span>
                  {c.evidence && <span className="checklist__evidence">{c.evidence}</span>}
                </div>
                <span className="checklist__time numeric" />
              </li>
            );
          })}
        </ol>
        <h3 className="check-subtitle">Files</h3>
        {b.files.length === 0 ? (
          <p className="muted small">No file asked for yet.</p>
        ) : (
          <ul className="rack-detail__files">
            {b.files.map((f, i) => (
              <li key={`${f.name}-${i}`} className="mono" data-testid="rack-detail-file" data-file={f.name} data-result={f.result}>
                {f.name} · {f.result}
                {f.bytes !== null ? ` · ${byteCount(f.bytes)}` : ''}
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
