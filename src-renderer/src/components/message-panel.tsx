import type { ReactNode } from 'react';
import { useMessages } from './messages.js';

/** Errors (role=alert, with their hint) and notices, each with a dismiss button. */
export function MessagePanel(): ReactNode {
  const { messages, dismiss } = useMessages();
  const errors = messages.filter((m) => m.kind === 'error');
  const notices = messages.filter((m) => m.kind === 'notice');
  return (
    <div className="messages">
      <div role="alert" aria-live="assertive" className="messages__group">
        {errors.map((m) => (
          <div key={m.id} className="message message--error" data-testid="error-panel">
            <span className="message__icon" aria-hidden="true">!</span>
            <div className="message__text">
              <strong>{m.title}</strong>
              {m.hint && <p className="message__hint">{m.hint}</p>}
            </div>
            <button type="button" className="message__close" aria-label="Dismiss this error" onClick={() => dismiss(m.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
      <div role="status" aria-live="polite" className="messages__group">
        {notices.map((m) => (
          <div key={m.id} className="message message--notice" data-testid="notice">
            <span className="message__icon" aria-hidden="true">i</span>
            <div className="message__text">{m.title}</div>
            <button type="button" className="message__close" aria-label="Dismiss this notice" onClick={() => dismiss(m.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </div>
  );
}
