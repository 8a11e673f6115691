import { type ReactNode, useEffect, useRef, useState } from 'react';
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

/** A captured log, read-only: the console lines that made the timeline (left), the same timeline (right). */
export function AnalysisPane(props: { analysis: LogAnalysis; visible: boolean; onClose(): void }): ReactNode {
  const a = props.analysis;
  const events = a.events.filter((e) => e.kind !== 'tftp-progress');
  const t0 = a.events[0]?.t ?? 0;
  const timed = events.some((e) => e.t !== t0);
  // a line chosen in the timeline (a stage's opening line, the verdict's evidence): scrolled to and highlighted
  const [focus, setFocus] = useState<number | null>(null);
  const list = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focus !== null) list.current?.querySelector(`[data-line="${focus}"]`)?.scrollIntoView({ block: 'center' });
  }, [focus]);
  return (
    <section className="console-session" data-testid="analysis-pane" data-path={a.path} hidden={!props.visible}>
      <div className="console-session__main">
        <header className="console-session__head">
          <div className="console-session__id">
            <strong>Captured log</strong>
            <span className="mono break">{a.path}</span>
            <span className="badge">{a.verdict.lines} lines</span>
            <span className="badge">read-only</span>
          </div>
          <button type="button" className="button button--small" onClick={props.onClose}>
            Close
          </button>
        </header>
        <div ref={list} className="event-log" data-testid="analysis-events" role="list" aria-label="Console lines the analyzer recognised">
          {events.length === 0 && <p className="event-log__empty">No boot line recognised in this file.</p>}
          {events.map((e, i) => (
            <div
              key={`${e.line}-${i}`}
              role="listitem"
              data-line={e.line}
              className={`event-log__row${FAILURES.has(e.kind) ? ' event-log__row--fail' : ''}${e.line === focus ? ' event-log__row--focus' : ''}`}
            >
              <span className="event-log__line numeric">{e.line}</span>
              <span className="event-log__time numeric">{timed ? formatSincePowerOn(e.t - t0) : ''}</span>
              <span className="event-log__kind">{e.kind}</span>
              <span className="event-log__text">{e.text}</span>
            </div>
          ))}
        </div>
      </div>
      <div className="console-session__side">
        <BootTimeline verdict={a.verdict} mode="log" testId="analysis-timeline" onLine={setFocus} />
      </div>
    </section>
  );
}
