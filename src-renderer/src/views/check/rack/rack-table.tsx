import type { ReactNode } from 'react';
import { seedStep } from '../check-steps.js';
import { CHECK_IDS, checkState, startFileOf, vendorOf, type RackBoardData, type RackSort, type RackSortKey } from './rack-rows.js';

const ICON: Record<string, string> = { pending: '…', ok: '✓', failed: '✗', skipped: '–' };
const VERDICT_TEXT: Record<string, string> = { pass: 'PASS', fail: 'FAIL', pending: 'waiting' };

const COLUMNS: { key: RackSortKey; title: string }[] = [
  { key: 'mac', title: 'MAC' },
  { key: 'vendor', title: 'Vendor' },
  { key: 'model', title: 'Model sent' },
  { key: 'ip', title: 'IP' },
  { key: 'startFile', title: 'Start file' },
  ...CHECK_IDS.map((id) => ({ key: id, title: seedStep(id, '').name })),
  { key: 'attempts', title: 'Attempts' },
  { key: 'verdict', title: 'Verdict' },
];

/** The rack's boards, one row each, live; a click on a header sorts by it (again: the other way); a row selects. */
export function RackTable(props: {
  boards: RackBoardData[];
  sort: RackSort;
  selected: string | null;
  onSort(key: RackSortKey): void;
  onSelect(mac: string): void;
}): ReactNode {
  return (
    <div className="table-wrap rack-table__wrap">
      <table className="table table--rack" data-testid="rack-table">
        <thead>
          <tr>
            {COLUMNS.map((c) => {
              const on = props.sort.key === c.key;
              return (
                <th key={c.key} scope="col" aria-sort={on ? (props.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
                  <button type="button" className="rack-sort" data-testid={`rack-sort-${c.key}`} onClick={() => props.onSort(c.key)}>
                    {c.title}
                    <span className="rack-sort__arrow" aria-hidden="true">
                      {on ? (props.sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                    </span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {props.boards.map((b) => {
            const wrong = b.model !== null && b.modelSent !== null && b.model !== b.modelSent;
            return (
              <tr
                key={b.mac}
                className={`rack-row rack-row--${b.verdict}${props.selected === b.mac ? ' rack-row--selected' : ''}`}
                data-testid="rack-row"
                data-mac={b.mac}
                data-verdict={b.verdict}
                aria-selected={props.selected === b.mac}
                onClick={() => props.onSelect(b.mac)}
              >
                <td className="mono nowrap">
                  <button type="button" className="rack-row__pick" onClick={() => props.onSelect(b.mac)}>
                    {b.mac}
                  </button>
                </td>
                <td className="nowrap">{vendorOf(b) ?? <span className="muted">—</span>}</td>
                <td className={`mono break${wrong ? ' dhcp-class--wrong' : b.modelSent ? ' dhcp-class--walt' : ''}`} data-testid="rack-model-sent">
                  {b.modelSent ?? b.vci ?? <span className="muted">—</span>}
                  {wrong && <span className="muted small block">expected {b.model}</span>}
                  {b.kind === 'other' && <span className="muted small block">not a WalT bootloader</span>}
                </td>
                <td className="mono nowrap">{b.ip ?? <span className="muted">—</span>}</td>
                <td className="mono nowrap">{startFileOf(b) ?? <span className="muted">—</span>}</td>
                {CHECK_IDS.map((id) => {
                  const s = checkState(b, id);
                  return (
                    <td key={id} className={`rack-check rack-check--${s}`} data-testid={`rack-check-${id}`} data-state={s} title={b.checks.find((c) => c.id === id)?.evidence ?? s}>
                      {ICON[s] ?? s}
                      <span className="visually-hidden"> {s}</span>
                    </td>
                  );
                })}
                <td className="numeric" data-testid="rack-attempts">
                  {b.attempts}
                </td>
                <td className={`rack-verdict rack-verdict--${b.verdict}`} data-testid="rack-verdict">
                  {VERDICT_TEXT[b.verdict]}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
