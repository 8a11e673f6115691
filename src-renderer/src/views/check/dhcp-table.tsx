import type { ReactNode } from 'react';
import { plural } from '../../util/format.js';
import { archName, clockTime } from './check-steps.js';
import type { DhcpRow } from './use-boot-check.js';

/** Every DHCP packet seen on the link, newest first: who asked, what it said about itself, what was answered. */
export function DhcpTable(props: { rows: DhcpRow[]; boardMac: string | null; expected: string }): ReactNode {
  return (
    <section className="step check-panel" aria-labelledby="dhcp-title" data-testid="dhcp-clients">
      <header className="step__header">
        <h2 id="dhcp-title" className="check-panel__title">
          DHCP clients seen on the link
        </h2>
        <span className="muted small">{plural(props.rows.length, 'packet')} · the board's row is highlighted</span>
      </header>
      {props.rows.length === 0 ? (
        <p className="muted check-panel__empty">Nothing seen yet.</p>
      ) : (
        <div className="table-wrap check-panel__scroll">
          <table className="table table--dhcp" data-testid="dhcp-table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">MAC</th>
                <th scope="col">Type</th>
                <th scope="col">Vendor class (60)</th>
                <th scope="col">User class (77)</th>
                <th scope="col">Arch (93)</th>
                <th scope="col">Answer</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((d) => {
                const board = props.boardMac !== null && d.mac.toLowerCase() === props.boardMac.toLowerCase();
                const wrongModel = d.model !== null && props.expected !== '' && d.model !== props.expected;
                return (
                  <tr
                    key={d.key}
                    className={`dhcp-row dhcp-row--${d.direction}${board ? ' dhcp-row--board' : ''}`}
                    data-testid="dhcp-row"
                    data-mac={d.mac}
                    data-direction={d.direction}
                  >
                    <td className="nowrap numeric">{clockTime(d.time)}</td>
                    <td className="mono nowrap">{d.mac}</td>
                    <td className="nowrap">
                      <span className="dhcp-dir" aria-hidden="true">
                        {d.direction === 'client' ? '→' : '←'}
                      </span>{' '}
                      {d.type}
                      {d.direction === 'server' && <span className="muted small block">server</span>}
                    </td>
                    <td className={`mono break${d.model ? (wrongModel ? ' dhcp-class--wrong' : ' dhcp-class--walt') : ''}`}>
                      {d.vendorClass ?? <span className="muted">—</span>}
                    </td>
                    <td className="mono break">{d.userClass?.join(', ') ?? <span className="muted">—</span>}</td>
                    <td className="nowrap">{d.clientArch?.map(archName).join(', ') ?? <span className="muted">—</span>}</td>
                    <td className="break">
                      <Answer row={d} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Answer(props: { row: DhcpRow }): ReactNode {
  const d = props.row;
  if (d.direction === 'server') {
    const parts = [
      d.yourIp && d.yourIp !== '0.0.0.0' ? `address ${d.yourIp}` : null,
      d.nextServer ? `next-server ${d.nextServer}` : null,
      d.bootFile ? `file ${d.bootFile}` : null,
    ].filter(Boolean);
    return (
      <span>
        {parts.join(', ') || 'no boot info'}
        {d.serverId && <span className="muted small block">from {d.serverId}</span>}
      </span>
    );
  }
  if (d.answered === true) return <span className="dhcp-answer dhcp-answer--yes">{d.reason ?? 'answered'}</span>;
  if (d.answered === false) return <span className="dhcp-answer dhcp-answer--no">ignored: {d.reason ?? 'not a walt bootloader'}</span>;
  return <span className="muted">observed</span>;
}
