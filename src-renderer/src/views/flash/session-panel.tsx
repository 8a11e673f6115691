import { useState, type ReactNode } from 'react';
import { formatBytes, plural } from '../../util/format.js';
import { CardRow } from './card-row.js';
import type { SessionView } from './session-state.js';
import { baseName } from './use-image.js';

/** Counts of a session's outcomes. */
export function sessionCounts(s: SessionView): { total: number; ok: number; failed: number; cancelled: number } {
  const results = Object.values(s.results);
  return {
    total: s.order.length,
    ok: results.filter((r) => r.ok).length,
    failed: results.filter((r) => !r.ok && !r.cancelled).length,
    cancelled: results.filter((r) => r.cancelled).length,
  };
}

/** The flash on screen: a headline, one row per card, and what can be done next. */
export function SessionPanel(props: {
  session: SessionView;
  busy: boolean;
  onCancel(device?: string): void;
  onAdd(): void;
  onFlashAgain(): void;
  onRetryFailed(): void;
}): ReactNode {
  const s = props.session;
  const c = sessionCounts(s);
  const [askAll, setAskAll] = useState(false);
  const finished = s.finished || (c.total > 0 && c.ok + c.failed + c.cancelled === c.total);
  const imageName = s.image ? (s.image.entry ? baseName(s.image.entry) : s.image.name) : '…';
  const headline = !finished
    ? `Flashing ${plural(c.total, 'card')}`
    : c.failed === 0 && c.cancelled === 0
      ? `All ${plural(c.total, 'card')} flashed${s.verify ? ' and verified' : ''}`
      : c.ok === 0
        ? `No card flashed`
        : `${c.ok} of ${plural(c.total, 'card')} flashed`;
  const tone = !finished ? 'running' : c.failed > 0 ? 'failed' : c.cancelled > 0 ? 'partial' : 'ok';
  return (
    <section className={`session session--${tone}`} aria-labelledby="session-title" data-testid="session-panel" data-finished={finished}>
      <header className="session__header">
        <div>
          <h2 id="session-title" className="session__title" aria-live="polite">
            <span className="session__icon" aria-hidden="true">
              {tone === 'running' ? '⟳' : tone === 'ok' ? '✓' : '!'}
            </span>
            {headline}
          </h2>
          <p className="session__sub">
            <span className="break">{imageName}</span>
            {s.image?.size ? ` · ${formatBytes(s.image.size)}` : ''} · verify {s.verify ? 'on' : 'off'}
            {finished && c.failed > 0 ? ` · ${plural(c.failed, 'card')} failed` : ''}
            {finished && c.cancelled > 0 ? ` · ${c.cancelled} cancelled` : ''}
          </p>
        </div>
        <div className="session__actions">
          {!finished ? (
            <>
              <button type="button" className="button" data-testid="add-card" onClick={props.onAdd}>
                + Add card
              </button>
              {askAll ? (
                <span className="session__confirm" role="group" aria-label="Stop every card?" data-testid="cancel-all-ask">
                  <span className="small">Stop every card? They keep partial images.</span>
                  <button
                    type="button"
                    className="button button--danger-outline"
                    data-testid="cancel-all-confirm"
                    onClick={() => {
                      setAskAll(false);
                      props.onCancel();
                    }}
                  >
                    Stop all
                  </button>
                  <button type="button" className="button" autoFocus onClick={() => setAskAll(false)}>
                    Keep writing
                  </button>
                </span>
              ) : (
                <button type="button" className="button button--danger-outline" data-testid="cancel-all" onClick={() => setAskAll(true)}>
                  Cancel all
                </button>
              )}
            </>
          ) : (
            <>
              {c.failed > 0 && (
                <button type="button" className="button button--primary" data-testid="retry-failed" disabled={props.busy} onClick={props.onRetryFailed}>
                  Retry failed cards ({c.failed})
                </button>
              )}
              <button
                type="button"
                className={`button ${c.failed > 0 ? '' : 'button--primary'}`}
                data-testid="flash-again"
                disabled={props.busy}
                onClick={props.onFlashAgain}
              >
                Flash again
              </button>
            </>
          )}
        </div>
      </header>
      <ul className="cards" aria-label="Cards">
        {s.order.map((device) => (
          <CardRow
            key={device}
            device={device}
            identity={s.identities[device]}
            progress={s.progress[device]}
            result={s.results[device]}
            onCancel={props.onCancel}
          />
        ))}
      </ul>
      {finished && (
        <p className="muted small session__foot">
          Each attempt is in the journal. Pull the cards out when you are ready; “Flash again” keeps the image.
        </p>
      )}
    </section>
  );
}
