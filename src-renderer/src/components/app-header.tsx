import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { SettingsData } from '../../../src-main/api/contract.js';
import { useConnection, useHost } from '../api/api-context.js';
import type { ConnectionState } from '../api/connection.js';

/** The views of the app. */
export type ViewName = 'flash' | 'station' | 'journal' | 'check' | 'console' | 'system' | 'settings';

const VIEWS: { name: ViewName; label: string }[] = [
  { name: 'flash', label: 'Flash' },
  { name: 'station', label: 'Station' },
  { name: 'check', label: 'Boot check' },
  { name: 'console', label: 'Console' },
  { name: 'journal', label: 'Journal' },
  { name: 'settings', label: 'Settings' },
];

/** The header's words for each connection state. */
const CONNECTION_WORDS: Record<ConnectionState, string> = {
  connecting: 'connecting…',
  up: 'connected',
  down: 'disconnected',
  refused: 'token refused',
  'no-token': 'no token',
};

/** The dark-blue header: app name, view tabs, connection state, settings menu. */
export function AppHeader(props: {
  view: ViewName;
  onView(v: ViewName): void;
  settings: SettingsData | null;
  onSettings(patch: Partial<SettingsData>): void;
  info: { version: string; privileged: boolean } | null;
  /** Opens the System check screen (from the settings menu). */
  onSystemCheck(): void;
}): ReactNode {
  const connection = useConnection();
  const host = useHost();
  return (
    <header className="app-header">
      <div className="app-header__brand">
        <span className="app-header__logo" aria-hidden="true">
          ▤
        </span>
        <span className="app-header__name">walt-bench</span>
      </div>
      <nav className="tabs" aria-label="Views">
        {VIEWS.map((v) => (
          <button
            key={v.name}
            type="button"
            className={`tab${props.view === v.name ? ' tab--active' : ''}`}
            aria-current={props.view === v.name ? 'page' : undefined}
            data-testid={`tab-${v.name}`}
            onClick={() => props.onView(v.name)}
          >
            {v.label}
          </button>
        ))}
      </nav>
      <div className="app-header__right">
        <span className={`conn conn--${connection}`} data-testid="connection-state">
          <span className="conn__dot" aria-hidden="true" />
          <span className="conn__where">{host.mode === 'station' ? 'Station' : 'Local'}: </span>
          {CONNECTION_WORDS[connection]}
        </span>
        <SettingsMenu settings={props.settings} onSettings={props.onSettings} info={props.info} mode={host.mode} onSystemCheck={props.onSystemCheck} />
      </div>
    </header>
  );
}

function SettingsMenu(props: {
  settings: SettingsData | null;
  onSettings(patch: Partial<SettingsData>): void;
  info: { version: string; privileged: boolean } | null;
  mode: string;
  onSystemCheck(): void;
}): ReactNode {
  const [open, setOpen] = useState(false);
  const wrap = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent): void => {
      if (wrap.current && !wrap.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);
  return (
    <div className="menu" ref={wrap}>
      <button
        type="button"
        className="menu__button"
        aria-expanded={open}
        aria-controls="settings-menu"
        data-testid="settings-button"
        aria-label="Settings"
        title="Settings"
        onClick={() => setOpen((o) => !o)}
      >
        <span aria-hidden="true">⚙</span>
        <span className="menu__label"> Settings</span>
      </button>
      {open && (
        <div className="menu__panel" id="settings-menu" role="group" aria-label="Settings">
          <label className="check">
            <input
              type="checkbox"
              data-testid="setting-virtual-drives"
              disabled={!props.settings}
              checked={props.settings?.includeVirtualDrives ?? false}
              onChange={(e) => props.onSettings({ includeVirtualDrives: e.target.checked })}
            />
            <span>
              Show virtual drives
              <span className="muted small block">zram, nbd… for tests and demos</span>
            </span>
          </label>
          <label className="check">
            <input
              type="checkbox"
              disabled={!props.settings}
              checked={props.settings?.verify ?? true}
              onChange={(e) => props.onSettings({ verify: e.target.checked })}
            />
            <span>
              Verify by default
              <span className="muted small block">Read every card back after writing</span>
            </span>
          </label>
          <button
            type="button"
            className="button button--small button--block"
            data-testid="open-system-check"
            onClick={() => {
              setOpen(false);
              props.onSystemCheck();
            }}
          >
            System check…
          </button>
          {props.info && (
            <p className="menu__foot muted small">
              walt-bench {props.info.version} · {props.mode} · {props.info.privileged ? 'root' : 'not root'}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
