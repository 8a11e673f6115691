import type { ReactNode } from 'react';
import { seedStep, sinceStart, type CheckId, type Verdict } from './check-steps.js';

const ICON: Record<string, string> = { pending: '…', ok: '✓', failed: '✗', skipped: '–' };
const STATE_TEXT: Record<string, string> = { pending: 'waiting', ok: 'ok', failed: 'failed', skipped: 'not watched' };

/** The five checks as the seed's workflow: step, state icon, evidence, time since start. */
export function Checklist(props: {
  verdict: Verdict | null;
  model: string;
  decidedAt: Partial<Record<CheckId, number>>;
  running: boolean;
}): ReactNode {
  const checks = props.verdict?.checks ?? [];
  if (checks.length === 0) return null;
  return (
    <ol className="checklist" data-testid="checklist">
      {checks.map((c) => {
        const s = seedStep(c.id, props.model);
        const at = props.decidedAt[c.id];
        const waiting = c.state === 'pending' && props.running;
        const unreached = c.state === 'pending' && !props.running && props.verdict?.verdict !== 'pending';
        return (
          <li key={c.id} className={`checklist__row checklist__row--${unreached ? 'unreached' : c.state}`} data-testid={`check-row-${c.id}`} data-state={c.state}>
            <span className="checklist__step" title={s.guide} data-testid={`check-step-${c.id}`}>
              {s.name}
            </span>
            <span className="checklist__icon" aria-hidden="true">
              {waiting ? <span className="checklist__spinner" /> : unreached ? '·' : ICON[c.state]}
            </span>
            <div className="checklist__text">
              <span className="checklist__label">
                {s.label}
                {!unreached && <span className="visually-hidden">: {STATE_TEXT[c.state]}</span>}
              </span>
              {unreached && <span className="checklist__evidence">not reached</span>}
              {c.evidence && (
                <span className="checklist__evidence" data-testid={`check-evidence-${c.id}`}>
                  {c.evidence}
                </span>
              )}
            </div>
            <span className="checklist__time numeric">{at !== undefined ? sinceStart(at) : ''}</span>
          </li>
        );
      })}
    </ol>
  );
}
