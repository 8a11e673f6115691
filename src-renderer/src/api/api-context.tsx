import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import type { ApiClient, EventName, EventPayload } from '../../../src-main/api/contract.js';
import type { ConnectionState } from './connection.js';
import type { Host } from './get-api.js';

interface ApiContextValue {
  api: ApiClient;
  host: Host;
}

const ApiContext = createContext<ApiContextValue | null>(null);

/** Gives the tree its API client and host (tests may pass fakes). */
export function ApiProvider(props: { api: ApiClient; host: Host; children: ReactNode }): ReactNode {
  return <ApiContext.Provider value={{ api: props.api, host: props.host }}>{props.children}</ApiContext.Provider>;
}

function useApiContext(): ApiContextValue {
  const v = useContext(ApiContext);
  if (!v) throw new Error('ApiProvider missing');
  return v;
}

/** The API client. */
export function useApi(): ApiClient {
  return useApiContext().api;
}

/** The host's extras (file chooser, drop, upload). */
export function useHost(): Host {
  return useApiContext().host;
}

/** The event stream's state, re-rendering on change. */
export function useConnection(): ConnectionState {
  const { host } = useApiContext();
  const [state, setState] = useState(host.connection.get());
  useEffect(() => {
    setState(host.connection.get());
    return host.connection.subscribe(setState);
  }, [host]);
  return state;
}

/** Listens to one event while the component lives (the latest listener is always called). */
export function useEvent<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): void {
  const api = useApi();
  const [holder] = useState<{ current: (payload: EventPayload<E>) => void }>(() => ({ current: listener }));
  holder.current = listener;
  useEffect(() => api.on(name, (p) => holder.current(p)), [api, name, holder]);
}
