import { useCallback, useEffect, useState } from 'react';
import type { CommandOutput } from '../../../../src-main/api/contract.js';
import { useApi } from '../../api/api-context.js';
import { useMessages } from '../../components/messages.js';

/** A network interface the desk link can be. */
export type LinkInfo = CommandOutput<'bench.interfaces'>[number];

/** The machine's network interfaces (loopback last), loaded once and on demand. */
export function useInterfaces(): { links: LinkInfo[] | null; loading: boolean; load(): Promise<void> } {
  const api = useApi();
  const { reportError } = useMessages();
  const [links, setLinks] = useState<LinkInfo[] | null>(null);
  const [loading, setLoading] = useState(false);
  const load = useCallback(async () => {
    setLoading(true);
    try {
      const list = await api.call('bench.interfaces', {});
      setLinks([...list].sort((a, b) => Number(a.name === 'lo') - Number(b.name === 'lo')));
    } catch (e) {
      reportError(e, 'Cannot list the network interfaces');
      setLinks((l) => l ?? []);
    } finally {
      setLoading(false);
    }
  }, [api, reportError]);
  useEffect(() => {
    void load();
  }, [load]);
  return { links, loading, load };
}
