import { useEffect, useState, type ReactNode } from 'react';
import { LinkSelect } from './link-select.js';
import { TimeoutField } from './timeout-field.js';
import { useBenchIface } from './use-bench-iface.js';
import { KNOWN_MODELS, MAC_RE, MODEL_RE } from './check-steps.js';
import type { CheckRequest } from './use-boot-check.js';
import { useInterfaces } from './use-interfaces.js';

/** How the bench takes part in the boot. */
export type CheckMode = 'probe' | 'root' | 'observe';

const MODES: { value: CheckMode; label: string; explain: string }[] = [
  {
    value: 'probe',
    label: 'Serve probe scripts',
    explain: 'walt-bench answers the board and gives it a small test start.uboot: no WalT server needed.',
  },
  {
    value: 'root',
    label: 'Serve an image root',
    explain: "walt-bench answers the board with the start file from an image's files, as the WalT server would.",
  },
  {
    value: 'observe',
    label: 'Observe a real WalT server',
    explain: 'The board boots from the WalT server on this network; walt-bench only listens, never answers.',
  },
];

/** The setup of a boot check: model, desk link, mode, optional MAC and timeout; Start and Stop. */
export function SetupPanel(props: {
  /** Shown now (the bench interface setting is read again each time). */
  visible: boolean;
  running: boolean;
  starting: boolean;
  onStart(request: CheckRequest): void;
  onStop(): void;
  /** Room for more fields after the link (the serial port picker). */
  extra?: ReactNode;
}): ReactNode {
  const { links, load, loading } = useInterfaces();
  const [model, setModel] = useState('');
  const [iface, setIface] = useState('');
  useBenchIface(iface, setIface, links, props.visible);
  const [mode, setMode] = useState<CheckMode>('probe');
  const [root, setRoot] = useState('');
  const [mac, setMac] = useState('');
  const [timeout, setTimeoutS] = useState('120');

  useEffect(() => {
    if (!props.running && !props.starting) void load();
  }, [props.running, props.starting, load]);

  const chosen = links?.find((l) => l.name === iface) ?? null;
  const modelText = model.trim();
  const macText = mac.trim();
  const timeoutS = Number(timeout);
  const problems = [
    modelText !== '' && !MODEL_RE.test(modelText) && 'The model is letters, digits, dots, dashes (e.g. rpi-4-b).',
    modelText.startsWith('walt.node.') && 'Type the model only, without "walt.node.".',
    macText !== '' && !MAC_RE.test(macText) && 'The MAC looks like b8:27:eb:12:34:56.',
    !(Number.isInteger(timeoutS) && timeoutS >= 5 && timeoutS <= 3600) && 'The timeout is 5 to 3600 seconds.',
    mode === 'root' && root.trim() === '' && "Give the image's root directory.",
  ].filter((p): p is string => typeof p === 'string');
  const ready = modelText !== '' && iface !== '' && problems.length === 0;
  const busy = props.running || props.starting;

  const start = (): void => {
    props.onStart({
      iface,
      expect: modelText,
      mode: mode === 'observe' ? 'observe' : 'serve',
      ...(mode === 'root' ? { root: root.trim() } : {}),
      ...(macText ? { mac: macText.toLowerCase().replaceAll('-', ':') } : {}),
      timeoutS,
    });
  };

  return (
    <section className="step check-setup" aria-labelledby="check-setup-title" data-testid="check-setup">
      <header className="step__header">
        <h2 id="check-setup-title" className="step__title">
          Check a board
        </h2>
      </header>
      <form
        className="step__body check-setup__form"
        onSubmit={(e) => {
          e.preventDefault();
          if (ready && !busy) start();
        }}
      >
        <div className="field">
          <label htmlFor="check-model">Expected node model</label>
          <input
            id="check-model"
            className="input input--mono"
            list="check-known-models"
            placeholder="rpi-4-b, or a new board's name"
            autoComplete="off"
            spellCheck={false}
            value={model}
            disabled={busy}
            data-testid="check-model"
            onChange={(e) => setModel(e.target.value)}
          />
          <datalist id="check-known-models">
            {KNOWN_MODELS.map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
          <span className="muted small">The board must send walt.node.{modelText || '<model>'}. Any name works for a new board.</span>
        </div>

        <div className="field">
          <LinkSelect id="check-iface" label="Desk link (the board's cable)" value={iface} links={links} loading={loading} disabled={busy} onChange={setIface} onRefresh={() => void load()} />
          {chosen && !chosen.ip && (
            <p className="note note--warn" data-testid="check-iface-warning">
              {chosen.name} has no IPv4 address: give it one (e.g. 192.168.152.1/24) so the board can be answered.
            </p>
          )}
          {chosen?.ip && !chosen.carrier && (
            <p className="muted small">No link on {chosen.name} yet: fine if the board is still off.</p>
          )}
        </div>

        {props.extra}

        <fieldset className="radio-list check-modes" disabled={busy}>
          <legend>Mode</legend>
          {MODES.map((m) => (
            <label key={m.value} className={`radio-row check-mode${mode === m.value ? ' check-mode--on' : ''}`}>
              <input
                type="radio"
                name="check-mode"
                value={m.value}
                checked={mode === m.value}
                data-testid={`check-mode-${m.value}`}
                onChange={() => setMode(m.value)}
              />
              <span>
                <strong>{m.label}</strong>
                <span className="muted small block">{m.explain}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {mode === 'root' && (
          <div className="field">
            <label htmlFor="check-root">Image root directory</label>
            <input
              id="check-root"
              className="input input--mono"
              placeholder="/tmp/my-image-root"
              value={root}
              disabled={busy}
              data-testid="check-root"
              onChange={(e) => setRoot(e.target.value)}
            />
            <span className="muted small">
              The image's files, e.g. exported with podman; boot/{modelText || '<model>'}/ must hold its start file.
            </span>
          </div>
        )}

        <div className="check-setup__pair">
          <div className="field">
            <label htmlFor="check-mac">
              Board MAC <span className="muted small">(optional)</span>
            </label>
            <input
              id="check-mac"
              className="input input--mono"
              placeholder="first walt board seen"
              value={mac}
              disabled={busy}
              data-testid="check-mac"
              onChange={(e) => setMac(e.target.value)}
            />
          </div>
          <TimeoutField id="check-timeout" value={timeout} disabled={busy} onChange={setTimeoutS} />
        </div>

        {problems.length > 0 && (
          <ul className="warnings">
            {problems.map((p) => (
              <li key={p} className="note note--warn">
                {p}
              </li>
            ))}
          </ul>
        )}

        <div className="check-setup__actions">
          <button type="submit" className="button button--primary button--large" disabled={!ready || busy} data-testid="check-start">
            {props.starting ? 'Starting…' : 'Start check'}
          </button>
          <button
            type="button"
            className="button button--danger-outline button--large"
            disabled={!busy}
            data-testid="check-stop"
            onClick={props.onStop}
          >
            Stop
          </button>
        </div>
        {props.starting && mode !== 'observe' && (
          <p className="busy small">Making sure no other DHCP server answers on {iface} (2 s)…</p>
        )}
      </form>
    </section>
  );
}
