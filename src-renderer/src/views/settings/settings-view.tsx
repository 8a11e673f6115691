import { useEffect, useState, type ReactNode } from 'react';
import type { SettingsData } from '../../../../src-main/api/contract.js';
import { useApi } from '../../api/api-context.js';
import { InlineError, inlineError, type InlineErrorData } from '../../components/inline-error.js';
import { AboutPanel } from './about-panel.js';

/** The form's text for each number setting (kept as typed, so an invalid value reaches settings.set and its reason). */
interface Draft {
  serialLogMiB: string;
  serialLogFiles: string;
}

/** The Settings view: every setting, saved through settings.set (its zod schema refuses an invalid one, with the reason), and About. */
export function SettingsView(): ReactNode {
  const api = useApi();
  const [settings, setSettings] = useState<SettingsData | null>(null);
  const [draft, setDraft] = useState<Draft>({ serialLogMiB: '', serialLogFiles: '' });
  const [error, setError] = useState<InlineErrorData | null>(null);
  const [saved, setSaved] = useState(false);

  const show = (s: SettingsData): void => {
    setSettings(s);
    setDraft({ serialLogMiB: String(s.serialLogMiB), serialLogFiles: String(s.serialLogFiles) });
  };
  useEffect(() => {
    api.call('settings.get', {}).then(show, (e: unknown) => setError(inlineError(e, 'Cannot read the settings')));
  }, [api]);

  const save = async (patch: Partial<SettingsData>): Promise<void> => {
    setSaved(false);
    try {
      show(await api.call('settings.set', patch));
      setError(null);
      setSaved(true);
    } catch (e) {
      setError(inlineError(e, 'Setting refused'));
    }
  };

  return (
    <section className="panel" aria-label="Settings" data-testid="settings-view">
      <h2>Settings</h2>
      <InlineError error={error} onDismiss={() => setError(null)} testId="settings-error" />
      {settings && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void save({ serialLogMiB: Number(draft.serialLogMiB), serialLogFiles: Number(draft.serialLogFiles) });
          }}
        >
          <label className="check">
            <input type="checkbox" data-testid="settings-verify" checked={settings.verify} onChange={(e) => void save({ verify: e.target.checked })} />
            <span>Verify by default (read every card back after writing)</span>
          </label>
          <label className="check">
            <input
              type="checkbox"
              data-testid="settings-virtual-drives"
              checked={settings.includeVirtualDrives}
              onChange={(e) => void save({ includeVirtualDrives: e.target.checked })}
            />
            <span>Show virtual drives (zram, nbd…)</span>
          </label>
          <label className="field">
            <span>Console log size before rotation (MiB, 1-1024)</span>
            <input type="text" inputMode="numeric" data-testid="settings-log-mib" value={draft.serialLogMiB} onChange={(e) => setDraft({ ...draft, serialLogMiB: e.target.value })} />
          </label>
          <label className="field">
            <span>Console log files kept (1-100)</span>
            <input type="text" inputMode="numeric" data-testid="settings-log-files" value={draft.serialLogFiles} onChange={(e) => setDraft({ ...draft, serialLogFiles: e.target.value })} />
          </label>
          <button type="submit" className="button button--primary" data-testid="settings-save">
            Save
          </button>
          {saved && (
            <span className="muted small" role="status" data-testid="settings-saved">
              {' '}Saved
            </span>
          )}
        </form>
      )}
      <AboutPanel />
    </section>
  );
}
