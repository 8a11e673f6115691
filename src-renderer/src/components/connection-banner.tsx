import type { ReactNode } from 'react';
import { useConnection, useHost } from '../api/api-context.js';

/**
 * "Disconnected from station" while the event stream is down (it reconnects by itself); a whole-page message when a
 * station refuses this tab's token (it restarted: a new token) or the page was opened without one.
 */
export function ConnectionBanner(): ReactNode {
  const state = useConnection();
  const host = useHost();
  if (state === 'refused' || state === 'no-token') {
    return (
      <div className="station-refused" role="alert" data-testid="station-refused">
        <div className="station-refused__box">
          <h1>{state === 'refused' ? 'This station restarted: open the new URL it printed.' : 'This page needs the station’s access token.'}</h1>
          <p>
            {state === 'refused' ? (
              <>
                A restarted <code>walt-bench station</code> has a new access token, and this page still holds the old
                one.
              </>
            ) : (
              <>
                Open the URL <code>walt-bench station</code> printed when it started.
              </>
            )}{' '}
            The URL ends with <code>#token=…</code>.
          </p>
        </div>
      </div>
    );
  }
  if (state !== 'down') return null;
  return (
    <div className="banner banner--down" role="alert" data-testid="disconnected-banner">
      <strong>Disconnected from {host.mode === 'station' ? 'station' : 'the writer'}.</strong> Reconnecting… Live drive
      changes and progress are paused; running flashes continue on the station.
    </div>
  );
}
