import { useMemo, useState, type ReactNode } from 'react';
import { plural } from '../../../util/format.js';
import { BenchLog } from '../bench-log.js';
import { sinceStart } from '../check-steps.js';
import { RackDetail } from './rack-detail.js';
import { RackExport } from './rack-export.js';
import { nextSort, sortBoards, type RackSort } from './rack-rows.js';
import { RackSetup } from './rack-setup.js';
import { RackTable } from './rack-table.js';
import { useRackCheck } from './use-rack-check.js';

/** The rack mode of the boot check: every board on the link at once, one row each, a detail pane, the report. */
export function RackView(props: { visible: boolean }): ReactNode {
  const rack = useRackCheck();
  const [sort, setSort] = useState<RackSort>({ key: 'mac', dir: 'asc' });
  const [selected, setSelected] = useState<string | null>(null);
  const rows = useMemo(() => sortBoards(rack.boards, sort), [rack.boards, sort]);
  const board = rack.boards.find((b) => b.mac === selected) ?? null;
  const passed = rack.boards.filter((b) => b.verdict === 'pass').length;
  const failed = rack.boards.filter((b) => b.verdict === 'fail').length;
  const s = rack.snapshot;
  const consoles = s?.ports ?? [];

  return (
    <div className="rack-view" data-testid="rack-view">
      <div className="rack-view__top">
        <RackSetup visible={props.visible} running={rack.phase === 'running'} starting={rack.phase === 'starting'} onStart={(r) => void rack.start(r)} onStop={() => void rack.stop()} />
        <RackDetail board={board} />
      </div>
      <section className="step check-panel" aria-labelledby="rack-title" data-testid="rack-boards">
        <header className="step__header">
          <h2 id="rack-title" className="check-panel__title">
            Boards on {s?.iface ?? 'the link'}
          </h2>
          <span className="muted small" data-testid="rack-summary" data-phase={rack.phase}>
            {plural(rack.boards.length, 'board')} · {passed} passed · {failed} failed
            {rack.phase === 'running' ? ' · watching' : rack.phase === 'done' ? ` · ended after ${sinceStart(s?.elapsedMs ?? 0).slice(1)}` : ''}
          </span>
          <RackExport boards={rows} iface={s?.iface ?? ''} />
        </header>
        {consoles.length > 0 && (
          <ul className="rack-consoles" data-testid="rack-consoles">
            {consoles.map((c) => (
              <li key={c.port} className="mono small">
                {c.port} → {c.error ? <span className="dhcp-class--wrong">{c.error}</span> : (c.mac ?? 'not joined yet')}
              </li>
            ))}
          </ul>
        )}
        {rows.length === 0 ? (
          <p className="muted check-panel__empty">{rack.phase === 'running' ? 'Waiting for boards: power the rack on.' : 'No board seen yet.'}</p>
        ) : (
          <RackTable boards={rows} sort={sort} selected={selected} onSort={(k) => setSort((x) => nextSort(x, k))} onSelect={setSelected} />
        )}
      </section>
      <BenchLog rows={rack.status} />
    </div>
  );
}
