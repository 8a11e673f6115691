import { useEffect, useRef, type ReactNode } from 'react';
import { toClientError } from '../api/client-error.js';

/** An error shown where it happened (a panel far down the page), with what failed and the fix. */
export interface InlineErrorData {
  title: string;
  hint?: string;
}

/** A command's error for an InlineError: "context: message" (or the message alone, capitalised), with its hint. */
export function inlineError(err: unknown, context?: string): InlineErrorData {
  const e = toClientError(err);
  const title = context ? `${context}: ${e.message}` : e.message.charAt(0).toUpperCase() + e.message.slice(1);
  return e.hint ? { title, hint: e.hint } : { title };
}

/** The error inside its panel (role=alert), brought into view when it appears, dismissable. */
export function InlineError(props: { error: InlineErrorData | null; onDismiss(): void; testId: string }): ReactNode {
  const e = props.error;
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (e) box.current?.scrollIntoView({ block: 'nearest' });
  }, [e]);
  if (!e) return null;
  return (
    <div ref={box} className="message message--error message--inline" role="alert" data-testid={props.testId}>
      <span className="message__icon" aria-hidden="true">
        !
      </span>
      <div className="message__text">
        <strong>{e.title}</strong>
        {e.hint && <p className="message__hint">{e.hint}</p>}
      </div>
      <button type="button" className="message__close" aria-label="Dismiss this error" onClick={props.onDismiss}>
        ×
      </button>
    </div>
  );
}
