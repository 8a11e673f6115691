import { useEffect, useState, type ReactNode } from 'react';
import type { SettingsData } from '../../../../src-main/api/contract.js';
import { useApi } from '../../api/api-context.js';
import { InlineError, inlineError, type InlineErrorData } from '../../components/inline-error.js';
import { AboutPanel } from './about-panel.js';

/** The form's text for each number setting (kept as typed, so an invalid value reaches settings.set and its reason). */
interface Draft {
  serialLogMiB: string;
  serialLogFiles: string;
  /** The large-drive limit in GB (10^9 bytes). */
  largeDriveGB: string;
  defaultBaud: string;
  /** Empty: no default (null). */
  benchIface: string;
  catalogSource: string;
  journalDir: string;
}

const draftOf = (s: SettingsData): Draft => ({
  serialLogMiB: String(s.serialLogMiB),
  serialLogFiles: String(s.serialLogFiles),
  largeDriveGB: String(s.largeDriveBytes / 1e9),
  defaultBaud: String(s.defaultBaud),
  benchIface: s.benchIface ?? '',
  catalogSource: s.catalogSource ?? '',
  journalDir: s.journalDir ?? '',
});

/** The patch the form's text fields make (a number typed wrong stays NaN: settings.set refuses it with the reason). */
function patchOf(d: Draft): Partial<SettingsData> {
  const orNull = (text: string): string | null => (text.trim() === '' ? null : text.trim());
  return {
    serialLogMiB: Number(d.serialLogMiB),
    serialLogFiles: Number(d.serialLogFiles),
    largeDriveBytes: Math.round(Number(d.largeDriveGB) * 1e9),
    defaultBaud: Number(d.defaultBaud),
    benchIface: orNull(d.benchIface),
    catalogSource: orNull(d.catalogSource),
    journalDir: orNull(d.journalDir),
  };
}

/** One text field of the form. */
function TextField(props: { label: string; testId: string; value: string; onChange(value: string): void; numeric?: boolean; placeholder?: string }): ReactNode {
  return (
    <label className="field">
      <span>{props.label}</span>
      <input
        type="text"
        inputMode={props.numeric ? 'numeric' : undefined}
        data-testid={props.testId}
        value={props.value}
        placeholder={props.placeholder}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </label>
  );
}

/** The Settings view: every setting, saved through settings.set (its zod schema refuses an invalid one, with the reason), and About. */
export function SettingsView(): ReactNode {
  const api = useApi();
  const [settings, setSettings] = useState<SettingsData | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<InlineErrorData | null>(null);
  const [saved, setSaved] = useState(false);

  const show = (s: SettingsData): void => {
    setSettings(s);
    setDraft(draftOf(s));
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
      {settings && draft && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void save(patchOf(draft));
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
          <TextField label="Large-drive limit (GB): a card above it needs an explicit confirmation" testId="settings-large-drive-gb" numeric value={draft.largeDriveGB} onChange={(v) => setDraft({ ...draft, largeDriveGB: v })} />
          <TextField label="Default console baud rate (50-4000000)" testId="settings-default-baud" numeric value={draft.defaultBaud} onChange={(v) => setDraft({ ...draft, defaultBaud: v })} />
          <TextField label="Bench interface (the desk link when none is named)" testId="settings-bench-iface" placeholder="e.g. eth1 (empty: always name it)" value={draft.benchIface} onChange={(v) => setDraft({ ...draft, benchIface: v })} />
          <TextField label="Catalog source (an http(s) URL or a catalog file)" testId="settings-catalog-source" placeholder="empty: the shipped catalog" value={draft.catalogSource} onChange={(v) => setDraft({ ...draft, catalogSource: v })} />
          <TextField label="Journal location (the folder of journal.jsonl)" testId="settings-journal-dir" placeholder="empty: the state folder" value={draft.journalDir} onChange={(v) => setDraft({ ...draft, journalDir: v })} />
          <TextField label="Console log size before rotation (MiB, 1-1024)" testId="settings-log-mib" numeric value={draft.serialLogMiB} onChange={(v) => setDraft({ ...draft, serialLogMiB: v })} />
          <TextField label="Console log files kept (1-100)" testId="settings-log-files" numeric value={draft.serialLogFiles} onChange={(v) => setDraft({ ...draft, serialLogFiles: v })} />
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
