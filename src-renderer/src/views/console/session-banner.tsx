import { useEffect, useState, type ReactNode } from 'react';
import type { ConsoleSession } from './console-types.js';

const RECONNECTED_SHOWN_MS = 15_000;

/** The session's state as a banner: unplugged (waiting for the adapter), reconnected for a while, or closed. */
export function SessionBanner(props: { session: ConsoleSession }): ReactNode {
  const { info, notice } = props.session;
  const [, tick] = useState(0);
  const recent = notice !== null && notice.state === 'open' && Date.now() - notice.at < RECONNECTED_SHOWN_MS;
  useEffect(() => {
    if (!recent) return;
    const t = setTimeout(() => tick((n) => n + 1), RECONNECTED_SHOWN_MS);
    return () => clearTimeout(t);
  }, [recent, notice]);

  if (info.state === 'unplugged') {
    return (
      <div className="console-banner console-banner--unplugged" role="alert" data-testid="unplugged-banner">
        <span className="console-banner__icon busy" aria-hidden="true" />
        <div>
          <strong>Adapter unplugged, waiting for it to come back.</strong>
          <span className="block small">{notice?.message ?? `${info.path} went away.`} The log goes on; plug the same adapter back in.</span>
        </div>
      </div>
    );
  }
  if (info.state === 'closed') {
    return (
      <div className="console-banner console-banner--closed" role="status" data-testid="closed-banner">
        Port closed. The log stays in {info.textLog}.
      </div>
    );
  }
  if (recent) {
    return (
      <div className="console-banner console-banner--reconnected" role="status" data-testid="reconnected-banner">
        <strong>Reconnected.</strong> {notice.message}
      </div>
    );
  }
  return null;
}
