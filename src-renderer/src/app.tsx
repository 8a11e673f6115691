import { useEffect, useState, type ReactNode } from 'react';
import { useApi, useHost } from './api/api-context.js';
import { AppHeader, type ViewName } from './components/app-header.js';
import { ConnectionBanner } from './components/connection-banner.js';
import { MessagePanel } from './components/message-panel.js';
import { useSettings } from './components/use-settings.js';
import { FlashView } from './views/flash/flash-view.js';
import { StationView } from './views/station/station-view.js';
import { CheckView } from './views/check/check-view.js';
import { ConsoleView } from './views/console/console-view.js';
import { JournalView } from './views/journal/journal-view.js';
import { SystemCheckView } from './views/system/system-check-view.js';
import { SettingsView } from './views/settings/settings-view.js';
import type { DoctorReportData } from '../../src-main/api/contract.js';

/** Set once the System check was shown on a first run (this browser profile / app), so it opens by itself once. */
const FIRST_RUN_KEY = 'walt-bench.system-check-shown';

/** True when the first-run System check was already shown (storage refused: treat as shown, never nag). */
function firstRunDone(): boolean {
  try {
    return localStorage.getItem(FIRST_RUN_KEY) === '1';
  } catch {
    return true;
  }
}

/** Remembers the first-run System check was shown. */
function markFirstRunDone(): void {
  try {
    localStorage.setItem(FIRST_RUN_KEY, '1');
  } catch {
    // no storage: nothing to remember
  }
}

/** The whole page: header, banners, messages, and the current view. */
export function App(): ReactNode {
  const api = useApi();
  const host = useHost();
  const [view, setView] = useState<ViewName>('flash');
  const { settings, update } = useSettings();
  const [info, setInfo] = useState<{ version: string; privileged: boolean } | null>(null);

  const [systemReport, setSystemReport] = useState<DoctorReportData | null>(null);

  useEffect(() => {
    api.call('app.info', {}).then(setInfo, () => undefined);
  }, [api]);

  // First run: the system check runs at once, and its screen opens when a check fails.
  useEffect(() => {
    if (firstRunDone()) return;
    api.call('doctor.run', {}).then(
      (report) => {
        setSystemReport(report);
        if (report.worst === 'fail') setView('system');
        markFirstRunDone();
      },
      () => undefined,
    );
  }, [api]);

  return (
    <div className="app">
      <AppHeader view={view} onView={setView} settings={settings} onSettings={(p) => void update(p)} info={info} onSystemCheck={() => setView('system')} />
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
        {/* the station view stays mounted too: it keeps announcing finished cards while another view is open */}
        <div hidden={view !== 'station'}>
          <StationView visible={view === 'station'} />
        </div>
        <div hidden={view !== 'check'}>
          <CheckView visible={view === 'check'} />
        </div>
        {/* consoles stay mounted: the terminals keep their scrollback and the ports stay watched */}
        <div hidden={view !== 'console'}>
          <ConsoleView visible={view === 'console'} />
        </div>
        {view === 'journal' && <JournalView />}
        {view === 'settings' && <SettingsView />}
        {view === 'system' && <SystemCheckView report={systemReport} onReport={setSystemReport} />}
      </main>
    </div>
  );
}
