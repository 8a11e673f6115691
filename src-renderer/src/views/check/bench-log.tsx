import type { ReactNode } from 'react';
import { clockTime } from './check-steps.js';
import type { StatusRow } from './use-boot-check.js';

/** The bench's status messages, newest first. */
export function BenchLog(props: { rows: StatusRow[] }): ReactNode {
  return (
    <section className="step check-panel" aria-labelledby="bench-log-title" data-testid="bench-log">
      <header className="step__header">
        <h2 id="bench-log-title" className="check-panel__title">
          Bench log
        </h2>
      </header>
      {props.rows.length === 0 ? (
        <p className="muted check-panel__empty">Quiet.</p>
      ) : (
        <ul className="bench-log check-panel__scroll">
          {props.rows.map((s) => (
            <li key={s.key}>
              <span className="numeric muted">{clockTime(s.time)}</span> {s.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
