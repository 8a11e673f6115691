import type { ReactNode } from 'react';
import { useConnection, useHost } from '../api/api-context.js';

/** "Disconnected from station" while the event stream is down (it reconnects by itself). */
export function ConnectionBanner(): ReactNode {
  const state = useConnection();
  const host = useHost();
  if (state !== 'down') return null;
  return (
    <div className="banner banner--down" role="alert" data-testid="disconnected-banner">
      <strong>Disconnected from {host.mode === 'station' ? 'station' : 'the writer'}.</strong> Reconnecting… Live drive
      changes and progress are paused; running flashes continue on the station.
    </div>
  );
}
