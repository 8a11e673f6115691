import { useEffect, useState, type ReactNode } from 'react';
import { LinkSelect } from '../link-select.js';
import { TimeoutField } from '../timeout-field.js';
import { useBenchIface } from '../use-bench-iface.js';
import { useInterfaces } from '../use-interfaces.js';
import { expectOf, type ExpectChoice } from './expect-choice.js';
import { RackExpectField } from './rack-expect.js';
import { RackPorts } from './rack-ports.js';
import type { RackRequest } from './use-rack-check.js';

/** The setup of a rack check: desk link, expected models, consoles, serve or observe, timeout; Start and Stop. */
export function RackSetup(props: { visible: boolean; running: boolean; starting: boolean; onStart(request: RackRequest): void; onStop(): void }): ReactNode {
  const { links, load, loading } = useInterfaces();
  const [iface, setIface] = useState('');
  useBenchIface(iface, setIface, links, props.visible);
  const [expect, setExpect] = useState<ExpectChoice>({ kind: 'model', model: '', mapText: '' });
  const [ports, setPorts] = useState<string[]>([]);
  const [observe, setObserve] = useState(false);
  const [timeout, setTimeoutS] = useState('120');
  const busy = props.running || props.starting;

  useEffect(() => {
    if (!busy) void load();
  }, [busy, load]);

  const timeoutS = Number(timeout);
  const expected = expectOf(expect);
  const problems = [
    !expected.ok && expected.problem,
    !(Number.isInteger(timeoutS) && timeoutS >= 5 && timeoutS <= 3600) && 'The timeout is 5 to 3600 seconds.',
  ].filter((p): p is string => typeof p === 'string');
  const ready = iface !== '' && expected.ok && problems.length === 0;

  const start = (): void => {
    if (!expected.ok) return;
    props.onStart({ iface, expect: expected.expect, mode: observe ? 'observe' : 'serve', ports, timeoutS });
  };

  return (
    <section className="step check-setup rack-setup" aria-labelledby="rack-setup-title" data-testid="rack-setup">
      <header className="step__header">
        <h2 id="rack-setup-title" className="step__title">
          Check a rack
        </h2>
        <span className="muted small">every board on the link at once, each by its MAC</span>
      </header>
      <form
        className="step__body check-setup__form"
        onSubmit={(e) => {
          e.preventDefault();
          if (ready && !busy) start();
        }}
      >
        <div className="field">
          <LinkSelect id="rack-iface" label="Desk link (the rack's switch)" value={iface} links={links} loading={loading} disabled={busy} onChange={setIface} onRefresh={() => void load()} />
        </div>
        <RackExpectField value={expect} disabled={busy} onChange={setExpect} />
        <RackPorts value={ports} disabled={busy} onChange={setPorts} />
        <div className="check-setup__pair">
          <label className="checkbox-row">
            <input type="checkbox" checked={observe} disabled={busy} data-testid="rack-observe" onChange={(e) => setObserve(e.target.checked)} />
            <span>Observe a real WalT server (never answer)</span>
          </label>
          <TimeoutField id="rack-timeout" value={timeout} disabled={busy} onChange={setTimeoutS} />
        </div>
        {problems.length > 0 && (
          <ul className="warnings">
            {problems.map((p) => (
              <li key={p} className="note note--warn" data-testid="rack-problem">
                {p}
              </li>
            ))}
          </ul>
        )}
        <div className="check-setup__actions">
          <button type="submit" className="button button--primary button--large" disabled={!ready || busy} data-testid="rack-start">
            {props.starting ? 'Starting…' : 'Start rack check'}
          </button>
          <button type="button" className="button button--danger-outline button--large" disabled={!busy} data-testid="rack-stop" onClick={props.onStop}>
            Stop
          </button>
        </div>
        {props.starting && !observe && <p className="busy small">Making sure no other DHCP server answers on {iface} (2 s)…</p>}
      </form>
    </section>
  );
}
