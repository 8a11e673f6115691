import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { JournalRecordData } from '../../../../src-main/api/contract.js';
import { useApi, useEvent } from '../../api/api-context.js';
import { useMessages } from '../../components/messages.js';
import { formatBytes, formatCardSize, formatDuration, formatSpeed, formatTime } from '../../util/format.js';

const LIMIT = 200;

/** The journal: one row per card attempt, newest first. */
export function JournalView(): ReactNode {
  const api = useApi();
  const { reportError } = useMessages();
  const [records, setRecords] = useState<JournalRecordData[] | null>(null);
  const [skipped, setSkipped] = useState(0);

  const load = useCallback(async () => {
    try {
      const r = await api.call('journal.list', { limit: LIMIT });
      setRecords([...r.records].reverse());
      setSkipped(r.skippedLines.length);
    } catch (e) {
      reportError(e, 'Cannot read the journal');
    }
  }, [api, reportError]);

  useEffect(() => {
    void load();
  }, [load]);
  useEvent('flash.card-done', () => void load());

  return (
    <section className="journal" aria-labelledby="journal-title" data-testid="journal-view">
      <header className="journal__header">
        <h2 id="journal-title">Journal</h2>
        <span className="muted">
          {records ? `${records.length} most recent card attempts` : 'Loading…'}
          {skipped > 0 ? ` · ${skipped} unreadable lines skipped` : ''}
        </span>
        <button type="button" className="button button--small" onClick={() => void load()}>
          Refresh
        </button>
      </header>
      {records && records.length === 0 ? (
        <p className="muted journal__empty">No card has been flashed yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="table table--journal">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Result</th>
                <th scope="col">Device</th>
                <th scope="col">Card</th>
                <th scope="col">Image</th>
                <th scope="col" className="num">Written</th>
                <th scope="col" className="num">Time taken</th>
                <th scope="col" className="num">Speed</th>
                <th scope="col">Verified</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {(records ?? []).map((r, i) => (
                <tr key={`${r.time}-${r.device}-${i}`} className={`row--${r.result}`}>
                  <td className="nowrap numeric">{formatTime(r.time)}</td>
                  <td>
                    <span className={`result result--${r.result}`}>{r.result}</span>
                  </td>
                  <td className="mono">{r.device}</td>
                  <td>
                    {r.description} <span className="muted">{formatCardSize(r.size)}</span>
                    {r.serial && <span className="muted small block mono">{r.serial}</span>}
                  </td>
                  <td className="break" title={r.imageSha256 ?? undefined}>
                    {r.imageName}
                  </td>
                  <td className="num numeric">{formatBytes(r.bytes)}</td>
                  <td className="num numeric">{formatDuration(r.durationMs)}</td>
                  <td className="num numeric">{formatSpeed(r.averageSpeed)}</td>
                  <td>{r.verified ? 'yes' : 'no'}</td>
                  <td className="break">{r.error ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
