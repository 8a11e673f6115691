import { useEffect, useState } from 'react';
import { useApi } from '../../api/api-context.js';

/**
 * Preselects the bench interface setting as the desk link while the technician has chosen none, once the machine's
 * links are known and only when the setting names one of them (a link picked by hand is never replaced). The setting
 * is read again each time the form is shown, so a change in the Settings view applies.
 */
export function useBenchIface(iface: string, setIface: (name: string) => void, links: readonly { name: string }[] | null, visible: boolean): void {
  const api = useApi();
  const [setting, setSetting] = useState<string | null>(null);
  useEffect(() => {
    if (!visible) return;
    let live = true;
    api.call('settings.get', {}).then(
      (settings) => live && setSetting(settings.benchIface),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api, visible]);
  useEffect(() => {
    if (setting === null || links === null || iface !== '') return;
    if (links.some((l) => l.name === setting)) setIface(setting);
  }, [setting, links, iface, setIface]);
}
