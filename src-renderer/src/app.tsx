import { useEffect, useState, type ReactNode } from 'react';
import { useApi, useHost } from './api/api-context.js';
import { AppHeader, type ViewName } from './components/app-header.js';
import { ConnectionBanner } from './components/connection-banner.js';
import { MessagePanel } from './components/message-panel.js';
import { useSettings } from './components/use-settings.js';
import { FlashView } from './views/flash/flash-view.js';
import { CheckView } from './views/check/check-view.js';
import { ConsoleView } from './views/console/console-view.js';
import { JournalView } from './views/journal/journal-view.js';

/** The whole page: header, banners, messages, and the current view. */
export function App(): ReactNode {
  const api = useApi();
  const host = useHost();
  const [view, setView] = useState<ViewName>('flash');
  const { settings, update } = useSettings();
  const [info, setInfo] = useState<{ version: string; privileged: boolean } | null>(null);

  useEffect(() => {
    api.call('app.info', {}).then(setInfo, () => undefined);
  }, [api]);

  return (
    <div className="app">
      <AppHeader view={view} onView={setView} settings={settings} onSettings={(p) => void update(p)} info={info} />
      <ConnectionBanner />
      {info && !info.privileged && host.mode === 'station' && (
        <div className="banner banner--warn" role="status">
          This station does not run as root: it can list drives but cannot write to them.
        </div>
      )}
      <main className="app__main">
        <MessagePanel />
        {/* the flash view stays mounted so a running flash keeps its state while the journal is open */}
        <div hidden={view !== 'flash'}>
          <FlashView settings={settings} />
        </div>
        {/* the boot check stays mounted too: a running check keeps its checklist and link activity */}
        <div hidden={view !== 'check'}>
          <CheckView />
        </div>
        {/* consoles stay mounted: the terminals keep their scrollback and the ports stay watched */}
        <div hidden={view !== 'console'}>
          <ConsoleView visible={view === 'console'} />
        </div>
        {view === 'journal' && <JournalView />}
      </main>
    </div>
  );
}
