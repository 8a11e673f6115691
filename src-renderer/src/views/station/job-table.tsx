import type { ReactNode } from 'react';
import type { StationJobData } from '../../../../src-main/api/contract.js';
import { formatCardSize, formatDuration, formatSpeed } from '../../util/format.js';
import { cardsToCsv, download } from './export-cards.js';

/** The job's table: card #, slot, serial/description, result, duration, speed; CSV and JSON export. */
export function JobTable(props: { job: StationJobData }): ReactNode {
  const { job } = props;
  const slotNumber = (slot: string): number => job.slots.indexOf(slot) + 1;
  return (
    <section className="panel" data-testid="station-table">
      <div className="panel__head">
        <h2>Cards of job {job.jobId}</h2>
        <div className="row">
          <button type="button" className="button button--small" data-testid="export-csv" onClick={() => download(`station-${job.jobId}.csv`, 'text/csv', cardsToCsv(job.cards))}>
            Export CSV
          </button>
          <button
            type="button"
            className="button button--small"
            data-testid="export-json"
            onClick={() => download(`station-${job.jobId}.json`, 'application/json', `${JSON.stringify(job.cards, null, 2)}\n`)}
          >
            Export JSON
          </button>
        </div>
      </div>
      {job.cards.length === 0 ? (
        <p className="muted">No card yet: insert one in an enrolled slot.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Card #</th>
              <th>Slot</th>
              <th>Serial / description</th>
              <th>Result</th>
              <th>Duration</th>
              <th>Speed</th>
            </tr>
          </thead>
          <tbody>
            {job.cards.map((c) => (
              <tr key={c.seq} data-testid="station-card-row" data-result={c.result}>
                <td className="numeric">{c.number ?? '—'}</td>
                <td>
                  {slotNumber(c.slot)} <span className="muted small">{c.device}</span>
                </td>
                <td>
                  {c.serial ?? '—'} <span className="muted small">{c.description} · {formatCardSize(c.size)}</span>
                </td>
                <td className={c.result === 'failed' ? 'text-fail' : ''}>{c.result === 'failed' ? `failed: ${c.error ?? ''}` : c.result}</td>
                <td className="numeric">{formatDuration(c.durationMs)}</td>
                <td className="numeric">{formatSpeed(c.speed)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
