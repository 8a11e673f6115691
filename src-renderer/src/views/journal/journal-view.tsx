import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { JournalRecordData } from '../../../../src-main/api/contract.js';
import { useApi, useEvent, useHost } from '../../api/api-context.js';
import { useMessages } from '../../components/messages.js';
import { formatBytes, formatCardSize, formatDuration, formatSpeed, formatTime } from '../../util/format.js';
import { exportText, filterRecords, rowResult, type JournalFilter, type RowResult } from './journal-rows.js';

const LIMIT = 200;
const RESULTS: (RowResult | 'all')[] = ['all', 'ok', 'failed', 'cancelled', 'interrupted', 'in-progress'];

/** The journal: one row per card attempt, newest first; a filter; the CLI's CSV and JSON exports. */
export function JournalView(): ReactNode {
  const api = useApi();
  const host = useHost();
  const { reportError, notify } = useMessages();
  const [records, setRecords] = useState<JournalRecordData[] | null>(null);
  const [skipped, setSkipped] = useState(0);
  const [filter, setFilter] = useState<JournalFilter>({ text: '', result: 'all' });

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

  const shown = useMemo(() => filterRecords(records ?? [], filter), [records, filter]);
  const filtered = filter.text.trim() !== '' || filter.result !== 'all';

  const save = async (format: 'csv' | 'json'): Promise<void> => {
    const text = exportText(shown, format);
    const name = `walt-bench-journal.${format}`;
    if (host.mode === 'station') {
      const url = URL.createObjectURL(new Blob([text], { type: format === 'csv' ? 'text/csv' : 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      return;
    }
    // the desktop app refuses downloads: the export goes to the clipboard
    try {
      await navigator.clipboard.writeText(text);
      notify(`${shown.length} journal rows copied as ${format.toUpperCase()} (walt-bench journal --${format} writes the same).`);
    } catch (e) {
      reportError(e, 'Cannot copy the export');
    }
  };

  return (
    <section className="journal" aria-labelledby="journal-title" data-testid="journal-view">
      <header className="journal__header">
        <h2 id="journal-title">Journal</h2>
        <span className="muted" data-testid="journal-count">
          {records ? (filtered ? `${shown.length} of ${records.length} card attempts` : `${records.length} most recent card attempts`) : 'Loading…'}
          {skipped > 0 ? ` · ${skipped} unreadable lines skipped` : ''}
        </span>
        <div className="journal__actions">
          <button type="button" className="button button--small" data-testid="journal-export-csv" disabled={shown.length === 0} onClick={() => void save('csv')} title="The rows shown, as walt-bench journal --csv writes them">
            Export CSV
          </button>
          <button type="button" className="button button--small" data-testid="journal-export-json" disabled={shown.length === 0} onClick={() => void save('json')} title="The rows shown, as walt-bench journal --json writes them">
            Export JSON
          </button>
          <button type="button" className="button button--small" onClick={() => void load()}>
            Refresh
          </button>
        </div>
      </header>
      <div className="journal__filter" role="search">
        <input
          className="input"
          type="search"
          placeholder="Filter: device, card, serial, image, error…"
          aria-label="Filter the journal"
          data-testid="journal-filter"
          value={filter.text}
          onChange={(e) => setFilter((f) => ({ ...f, text: e.target.value }))}
        />
        <select className="input" aria-label="Result" data-testid="journal-result-filter" value={filter.result} onChange={(e) => setFilter((f) => ({ ...f, result: e.target.value as RowResult | 'all' }))}>
          {RESULTS.map((r) => (
            <option key={r} value={r}>
              {r === 'all' ? 'every result' : r}
            </option>
          ))}
        </select>
      </div>
      {records && records.length === 0 ? (
        <p className="muted journal__empty">No card has been flashed yet.</p>
      ) : records && shown.length === 0 ? (
        <p className="muted journal__empty">No attempt matches the filter.</p>
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
                <th scope="col" className="num">
                  Written
                </th>
                <th scope="col" className="num">
                  Time taken
                </th>
                <th scope="col" className="num">
                  Speed
                </th>
                <th scope="col">Verified</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r, i) => {
                const result = rowResult(r);
                return (
                  <tr key={`${r.time}-${r.device}-${i}`} className={`row--${result}`} data-testid="journal-row" data-result={result} data-device={r.device}>
                    <td className="nowrap numeric">{formatTime(r.time)}</td>
                    <td className="nowrap">
                      <span className={`result result--${result}`}>{result}</span>
                    </td>
                    <td className="mono nowrap">{r.device}</td>
                    <td className="journal__card">
                      <span className="nowrap">{r.description}</span> <span className="muted nowrap">{formatCardSize(r.size)}</span>
                      {r.serial && <span className="muted small block mono nowrap">{r.serial}</span>}
                    </td>
                    <td className="journal__image nowrap" title={r.imageSha256 ? `${r.imageName}\nsha256 ${r.imageSha256}` : r.imageName}>
                      {r.imageName}
                    </td>
                    <td className="num numeric nowrap" data-testid="journal-written">
                      {result === 'ok' || r.bytes > 0 ? formatBytes(r.bytes) : 'nothing'}
                    </td>
                    <td className="num numeric nowrap">{formatDuration(r.durationMs)}</td>
                    <td className="num numeric nowrap">{r.bytes > 0 ? formatSpeed(r.averageSpeed) : ''}</td>
                    <td className="nowrap">{r.verified ? 'yes' : 'no'}</td>
                    <td className="journal__error">{r.error ?? ''}</td>
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
