import type { ReactNode } from 'react';

/** A labelled progress bar; value null = indeterminate. */
export function ProgressBar(props: {
  value: number | null;
  label: string;
  tone?: 'write' | 'verify' | 'done' | 'failed' | 'muted' | 'upload';
  testId?: string;
}): ReactNode {
  const pct = props.value === null ? null : Math.max(0, Math.min(100, props.value * 100));
  return (
    <div
      className={`progress progress--${props.tone ?? 'write'}${pct === null ? ' progress--indeterminate' : ''}`}
      role="progressbar"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct === null ? undefined : Math.round(pct)}
      data-testid={props.testId}
    >
      <div className="progress__fill" style={{ width: pct === null ? '30%' : `${pct}%` }} />
    </div>
  );
}
