import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { BootTimeline } from './boot-timeline.js';
import { formatSincePowerOn } from './boot-format.js';
import type { BootEventData, LogAnalysis } from './console-types.js';

const FAILURES = new Set<BootEventData['kind']>([
  'link-down',
  'no-net-device',
  'dhcp-failed',
  'dhcp-no-server',
  'tftp-error',
  'tftp-timeout',
  'arp-failed',
  'script-error',
  'boot-error',
  'kernel-panic',
  'reset',
  'reset-loop',
]);

/** The events of each line number (a line can carry several). */
function eventsByLine(events: readonly BootEventData[]): Map<number, BootEventData[]> {
  const by = new Map<number, BootEventData[]>();
  for (const e of events) {
    const list = by.get(e.line);
    if (list) list.push(e);
    else by.set(e.line, [e]);
  }
  return by;
}

/**
 * A captured log, read-only: its whole text (left) with the lines the analyzer recognised marked by their event
 * kinds, and the timeline (right). A stage's line or the verdict's evidence clicked in the timeline is scrolled to
 * and highlighted in the text; "recognised lines only" narrows the text to the marked lines.
 */
export function AnalysisPane(props: { analysis: LogAnalysis; visible: boolean; onClose(): void }): ReactNode {
  const a = props.analysis;
  const events = useMemo(() => a.events.filter((e) => e.kind !== 'tftp-progress'), [a.events]);
  const byLine = useMemo(() => eventsByLine(events), [events]);
  const t0 = a.events[0]?.t ?? 0;
  const timed = events.some((e) => e.t !== t0);
  const [onlyMarked, setOnlyMarked] = useState(false);
  // a line chosen in the timeline (a stage's opening line, the verdict's evidence): scrolled to and highlighted
  const [focus, setFocus] = useState<number | null>(null);
  const list = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focus !== null) list.current?.querySelector(`[data-line="${focus}"]`)?.scrollIntoView({ block: 'center' });
  }, [focus, onlyMarked]);
  // a line the analyzer saw only as a prompt (no newline at the end) has events but no text line: shown from the event
  const rows = useMemo(() => {
    const known = new Set(a.lines.map((l) => l.n));
    const extra = [...byLine.keys()].filter((n) => !known.has(n)).map((n) => ({ n, text: byLine.get(n)![0]!.text }));
    const all = extra.length > 0 ? [...a.lines, ...extra].sort((x, y) => x.n - y.n) : a.lines;
    return onlyMarked ? all.filter((l) => byLine.has(l.n)) : all;
  }, [a.lines, byLine, onlyMarked]);
  const marked = new Set(events.map((e) => e.line)).size;
  return (
    <section className="console-session" data-testid="analysis-pane" data-path={a.path} hidden={!props.visible}>
      <div className="console-session__main">
        <header className="console-session__head">
          <div className="console-session__id">
            <strong>Captured log</strong>
            <span className="mono break">{a.path}</span>
            <span className="badge" data-testid="analysis-line-count">
              {a.verdict.lines} lines · {marked} recognised
            </span>
            {a.expect && (
              <span className="badge" data-testid="analysis-expect">
                expected {a.expect}
              </span>
            )}
            <span className="badge">read-only</span>
          </div>
          <div className="console-session__actions">
            <label className="check check--small nowrap">
              <input type="checkbox" checked={onlyMarked} onChange={(e) => setOnlyMarked(e.target.checked)} data-testid="analysis-only-marked" />
              Recognised lines only
            </label>
            <button type="button" className="button button--small" onClick={props.onClose}>
              Close
            </button>
          </div>
        </header>
        <div ref={list} className="event-log" data-testid="analysis-events" role="list" aria-label="The log's lines; the ones the analyzer recognised are marked">
          {rows.length === 0 && <p className="event-log__empty">{onlyMarked ? 'No boot line recognised in this file.' : 'The file is empty.'}</p>}
          {rows.map((l) => {
            const here = byLine.get(l.n);
            const fail = here?.some((e) => FAILURES.has(e.kind)) ?? false;
            const cls = ['event-log__row', here ? 'event-log__row--event' : 'event-log__row--plain', fail ? 'event-log__row--fail' : '', l.n === focus ? 'event-log__row--focus' : ''];
            return (
              <div key={l.n} role="listitem" data-line={l.n} data-recognised={here ? 'true' : 'false'} className={cls.filter(Boolean).join(' ')}>
                <span className="event-log__line numeric">{l.n}</span>
                <span className="event-log__time numeric">{timed && here ? formatSincePowerOn(here[0]!.t - t0) : ''}</span>
                <span className="event-log__kind">{here ? [...new Set(here.map((e) => e.kind))].join(' ') : ''}</span>
                <span className="event-log__text">{l.text}</span>
              </div>
            );
          })}
          {a.linesCut > 0 && <p className="event-log__empty">… {a.linesCut} more lines not shown (the verdict covers the whole file).</p>}
        </div>
      </div>
      <div className="console-session__side">
        <BootTimeline verdict={a.verdict} mode="log" testId="analysis-timeline" onLine={(n) => {
          setOnlyMarked((m) => (m && !byLine.has(n) ? false : m));
          setFocus(n);
        }} />
      </div>
    </section>
  );
}
