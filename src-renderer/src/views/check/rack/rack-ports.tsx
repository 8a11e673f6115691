import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { CommandOutput } from '../../../../../src-main/api/contract.js';
import { useApi } from '../../../api/api-context.js';
import { toClientError } from '../../../api/client-error.js';

type PortInfo = CommandOutput<'serial.list'>[number];

const PORT_RE = /^\/dev\/[A-Za-z0-9._/-]+$/;

/** The serial consoles to watch: listed ports to tick, and typed paths (a pty, a by-id link) added to the list. */
export function RackPorts(props: { value: string[]; disabled: boolean; onChange(ports: string[]): void }): ReactNode {
  const api = useApi();
  const [listed, setListed] = useState<PortInfo[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [typed, setTyped] = useState('');

  const refresh = useCallback(async () => {
    try {
      setListed(await api.call('serial.list', {}));
      setListError(null);
    } catch (e) {
      const err = toClientError(e);
      setListed([]);
      setListError(err.hint ? `${err.message} (${err.hint})` : err.message);
    }
  }, [api]);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  const chosen = new Set(props.value);
  const toggle = (path: string, on: boolean): void => props.onChange(on ? [...props.value, path] : props.value.filter((p) => p !== path));
  const typedPath = typed.trim();
  const typedOk = PORT_RE.test(typedPath) && !chosen.has(typedPath);
  const extra = props.value.filter((p) => !(listed ?? []).some((l) => l.path === p));
  const add = (): void => {
    if (!typedOk) return;
    props.onChange([...props.value, typedPath]);
    setTyped('');
  };

  return (
    <fieldset className="rack-ports" disabled={props.disabled} data-testid="rack-ports">
      <legend>
        Serial consoles <span className="muted small">(optional, 115200 8N1, each joined to its board by evidence)</span>
      </legend>
      {listed === null && <span className="muted small">Listing ports…</span>}
      {listError && <span className="note note--warn">{listError}</span>}
      {listed?.length === 0 && !listError && <span className="muted small">No serial port listed: type a path below.</span>}
      {[...(listed ?? []).map((l) => ({ path: l.path, label: l.manufacturer ?? l.name })), ...extra.map((p) => ({ path: p, label: 'typed' }))].map((p) => (
        <label key={p.path} className="rack-ports__row">
          <input type="checkbox" checked={chosen.has(p.path)} data-testid="rack-port" data-port={p.path} onChange={(e) => toggle(p.path, e.target.checked)} />
          <span className="mono">{p.path}</span>
          <span className="muted small">{p.label}</span>
        </label>
      ))}
      <div className="check-setup__row">
        <input
          className="input input--mono"
          aria-label="Add a serial port path"
          placeholder="/dev/ttyUSB0 or /dev/pts/3"
          value={typed}
          data-testid="rack-port-path"
          onChange={(e) => setTyped(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add();
            }
          }}
        />
        <button type="button" className="button button--small" disabled={!typedOk} data-testid="rack-port-add" onClick={add}>
          Add
        </button>
        <button type="button" className="button button--small" onClick={() => void refresh()}>
          Refresh
        </button>
      </div>
    </fieldset>
  );
}
