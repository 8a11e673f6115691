import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { useApi } from '../../api/api-context.js';
import { toClientError } from '../../api/client-error.js';
import type { OpenSettings, PortInfoData } from './console-types.js';

const BAUDS = [9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600, 1500000];

const DEFAULTS: OpenSettings = {
  baudRate: 115200,
  dataBits: 8,
  parity: 'none',
  stopBits: 1,
  flowControl: 'none',
  newline: 'CR',
  localEcho: false,
  expect: null,
};

/** The Open form: a listed port (with its adapter's name) or a typed path, the expected model, line settings. */
export function PortPicker(props: { onOpen(path: string, settings: OpenSettings): Promise<boolean>; visible?: boolean }): ReactNode {
  const api = useApi();
  const [ports, setPorts] = useState<PortInfoData[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [path, setPath] = useState('');
  const [expect, setExpect] = useState('');
  const [s, setS] = useState<OpenSettings>(DEFAULTS);
  const [busy, setBusy] = useState(false);

  const refresh = useCallback(async () => {
    try {
      const list = await api.call('serial.list', {});
      setPorts(list);
      setListError(null);
      setPath((p) => p || (list[0]?.path ?? ''));
    } catch (e) {
      const err = toClientError(e);
      setPorts([]);
      setListError(err.hint ? `${err.message} (${err.hint})` : err.message);
    }
  }, [api]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // The default-baud setting is the form's speed until the technician picks another one (read again each time the
  // view is shown: a setting changed meanwhile applies).
  const [baudTouched, setBaudTouched] = useState(false);
  const visible = props.visible !== false;
  useEffect(() => {
    if (baudTouched || !visible) return;
    let live = true;
    api.call('settings.get', {}).then(
      (settings) => live && setS((x) => ({ ...x, baudRate: settings.defaultBaud })),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api, baudTouched, visible]);

  const set = <K extends keyof OpenSettings>(k: K, v: OpenSettings[K]): void => setS((x) => ({ ...x, [k]: v }));
  const listed = ports?.find((p) => p.path === path || p.byIdPath === path);

  const submit = async (): Promise<void> => {
    setBusy(true);
    try {
      await props.onOpen(path.trim(), { ...s, expect: expect.trim() || null });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="console-panel port-picker"
      data-testid="port-picker"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3 className="console-panel__title">Open a serial console</h3>
      <div className="port-picker__row">
        <label className="port-picker__field port-picker__field--port">
          <span>Port</span>
          <select className="input" data-testid="port-select" value={listed ? listed.path : ''} onChange={(e) => setPath(e.target.value)}>
            <option value="">{ports === null ? 'Looking for ports…' : ports.length === 0 ? 'No adapter found: type a path' : 'Other: type a path'}</option>
            {(ports ?? []).map((p) => (
              <option key={p.path} value={p.path}>
                {p.name} — {p.path}
                {p.serialNumber ? ` · S/N ${p.serialNumber}` : ''}
              </option>
            ))}
          </select>
        </label>
        <label className="port-picker__field port-picker__field--path">
          <span>Path</span>
          <input
            className="input input--mono"
            data-testid="port-path"
            placeholder="/dev/ttyUSB0 or /dev/pts/3"
            value={path}
            onChange={(e) => setPath(e.target.value)}
            spellCheck={false}
          />
        </label>
        <label className="port-picker__field port-picker__field--model">
          <span>Expected model</span>
          <input className="input" data-testid="port-expect" placeholder="e.g. rpi-4-b (optional)" value={expect} onChange={(e) => setExpect(e.target.value)} />
        </label>
        <button type="submit" className="button button--primary port-picker__open" data-testid="open-port" disabled={busy || !path.trim().startsWith('/')}>
          {busy ? 'Opening…' : 'Open'}
        </button>
        <button type="button" className="button button--small" onClick={() => void refresh()} title="List the serial ports again">
          ↻ Ports
        </button>
      </div>
      {listError && <p className="small muted">{listError}</p>}
      <details className="port-settings" data-testid="port-settings">
        <summary>
          Settings: <span className="mono">{s.baudRate} {s.dataBits}{s.parity[0]!.toUpperCase()}{s.stopBits}</span>
          {s.flowControl !== 'none' ? `, ${s.flowControl}` : ''}, Enter sends {s.newline}
          {s.localEcho ? ', local echo' : ''}
        </summary>
        <div className="port-settings__grid">
          <label>
            <span>Baud rate</span>
            <input className="input input--compact" type="number" list="console-bauds" min={50} max={4000000} data-testid="console-baud" value={s.baudRate} onChange={(e) => {
              setBaudTouched(true);
              set('baudRate', Number(e.target.value) || 115200);
            }} />
            <datalist id="console-bauds">
              {BAUDS.map((b) => (
                <option key={b} value={b} />
              ))}
            </datalist>
          </label>
          <label>
            <span>Data bits</span>
            <select className="input input--compact" value={s.dataBits} onChange={(e) => set('dataBits', Number(e.target.value) as OpenSettings['dataBits'])}>
              {[8, 7, 6, 5].map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>Parity</span>
            <select className="input input--compact" value={s.parity} onChange={(e) => set('parity', e.target.value as OpenSettings['parity'])}>
              {(['none', 'even', 'odd', 'mark', 'space'] as const).map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>Stop bits</span>
            <select className="input input--compact" value={s.stopBits} onChange={(e) => set('stopBits', Number(e.target.value) as OpenSettings['stopBits'])}>
              {[1, 1.5, 2].map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>Flow control</span>
            <select className="input input--compact" value={s.flowControl} onChange={(e) => set('flowControl', e.target.value as OpenSettings['flowControl'])}>
              <option value="none">none</option>
              <option value="rtscts">RTS/CTS (hardware)</option>
              <option value="xonxoff">XON/XOFF (software)</option>
            </select>
          </label>
          <label>
            <span>Enter sends</span>
            <select className="input input--compact" value={s.newline} onChange={(e) => set('newline', e.target.value as OpenSettings['newline'])}>
              <option value="CR">CR</option>
              <option value="LF">LF</option>
              <option value="CRLF">CR LF</option>
            </select>
          </label>
          <label className="check check--small port-settings__echo">
            <input type="checkbox" checked={s.localEcho} onChange={(e) => set('localEcho', e.target.checked)} />
            <span>Local echo</span>
          </label>
        </div>
      </details>
    </form>
  );
}
