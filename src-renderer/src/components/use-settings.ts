import { useCallback, useEffect, useState } from 'react';
import type { SettingsData } from '../../../src-main/api/contract.js';
import { useApi, useConnection } from '../api/api-context.js';
import { useMessages } from './messages.js';

/** The station's settings (`settings.get`), and a setter (`settings.set`). */
export function useSettings(): { settings: SettingsData | null; update(patch: Partial<SettingsData>): Promise<boolean> } {
  const api = useApi();
  const connection = useConnection();
  const { reportError } = useMessages();
  const [settings, setSettings] = useState<SettingsData | null>(null);
  const loaded = settings !== null;

  useEffect(() => {
    if (loaded || connection === 'down') return;
    let alive = true;
    api
      .call('settings.get', {})
      .then((s) => alive && setSettings(s))
      .catch((e: unknown) => alive && reportError(e, 'Cannot read the settings'));
    return () => {
      alive = false;
    };
  }, [api, connection, loaded, reportError]);

  const update = useCallback(
    async (patch: Partial<SettingsData>): Promise<boolean> => {
      try {
        setSettings(await api.call('settings.set', patch));
        return true;
      } catch (e) {
        reportError(e, 'Cannot change the settings');
        return false;
      }
    },
    [api, reportError],
  );
  return { settings, update };
}
