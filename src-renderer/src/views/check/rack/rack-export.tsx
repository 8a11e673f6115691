import type { ReactNode } from 'react';
import { rackReport, type ReportFormat } from '../../../../../src-main/core/check/rack-report.js';
import { useHost } from '../../../api/api-context.js';
import { useMessages } from '../../../components/messages.js';
import type { RackBoardData } from './rack-rows.js';

const TYPES: Record<ReportFormat, string> = { csv: 'text/csv', json: 'application/json', html: 'text/html' };
const LABELS: Record<ReportFormat, string> = { csv: 'Export CSV', json: 'Export JSON', html: 'Printable HTML' };

/** "rack-2026-12-03T14-05-09" for a report's file name. */
function stamp(d: Date): string {
  return `rack-${d.toISOString().slice(0, 19).replace(/:/g, '-')}`;
}

/**
 * The rack report in CSV, JSON or printable HTML, built by the same core builders as `check --all --report FILE`:
 * downloaded in a browser (station); copied to the clipboard in the desktop app, which refuses downloads.
 */
export function RackExport(props: { boards: RackBoardData[]; iface: string }): ReactNode {
  const host = useHost();
  const { notify, reportError } = useMessages();
  const save = async (format: ReportFormat): Promise<void> => {
    const now = new Date();
    const who = host.mode === 'station' ? `walt-bench station (${location.host})` : 'walt-bench desktop';
    const text = rackReport(format, props.boards, { who, whenIso: now.toISOString(), iface: props.iface });
    if (host.mode === 'station') {
      const url = URL.createObjectURL(new Blob([text], { type: TYPES[format] }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `${stamp(now)}.${format}`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      return;
    }
    try {
      await navigator.clipboard.writeText(text);
      notify(`The rack report (${props.boards.length} boards) was copied as ${format.toUpperCase()} (walt-bench check --all --report rack.${format} writes the same).`);
    } catch (e) {
      reportError(e, 'Cannot copy the rack report');
    }
  };
  return (
    <div className="rack-export" role="group" aria-label="Export the rack report">
      {(['csv', 'json', 'html'] as const).map((f) => (
        <button key={f} type="button" className="button button--small" disabled={props.boards.length === 0} data-testid={`rack-export-${f}`} onClick={() => void save(f)}>
          {LABELS[f]}
        </button>
      ))}
    </div>
  );
}
