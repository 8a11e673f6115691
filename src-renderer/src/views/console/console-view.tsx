import type { ReactNode } from 'react';
import { AnalysisPane } from './analysis-pane.js';
import { AnalyzeForm } from './analyze-form.js';
import { verdictBadge } from './boot-format.js';
import { PortPicker } from './port-picker.js';
import { SessionPane } from './session-pane.js';
import { useConsoleSessions } from './use-console-sessions.js';

/**
 * The Console view: open serial ports (listed adapters or a typed path), one terminal per board in tabs with its
 * live boot timeline beside it, and captured logs opened read-only into the same timeline.
 */
export function ConsoleView(props: { visible: boolean }): ReactNode {
  const c = useConsoleSessions();
  const first = c.sessions[0] ? { kind: 'session' as const, id: c.sessions[0].info.sessionId } : c.analyses[0] ? { kind: 'analysis' as const, id: c.analyses[0].id } : null;
  const tab = c.tab ?? first;
  const isTab = (kind: 'session' | 'analysis', id: string): boolean => tab?.kind === kind && tab.id === id;

  return (
    <section className="console" aria-labelledby="console-title" data-testid="console-view">
      <h2 id="console-title" className="visually-hidden">
        Serial console
      </h2>
      <div className="console__forms">
        <PortPicker onOpen={c.open} visible={props.visible} />
        <AnalyzeForm onAnalyze={c.analyze} />
      </div>
      {c.sessions.length + c.analyses.length === 0 ? (
        <div className="console__empty">
          <p>
            <strong>No console open.</strong> Pick the board's USB-serial adapter (or type a path such as <span className="mono">/dev/ttyUSB0</span>) and press
            Open: its console appears here with a live boot timeline beside it. Several boards can be open at once, one tab each.
          </p>
        </div>
      ) : (
        <div className="console__tabs" role="tablist" aria-label="Consoles and logs">
          {c.sessions.map((s) => {
            const b = verdictBadge(s.verdict);
            return (
              <div key={s.info.sessionId} className={`console-tab${isTab('session', s.info.sessionId) ? ' console-tab--active' : ''}`}>
                <button
                  type="button"
                  role="tab"
                  aria-selected={isTab('session', s.info.sessionId)}
                  className="console-tab__button"
                  data-testid={`console-tab-${s.info.sessionId}`}
                  onClick={() => c.setTab({ kind: 'session', id: s.info.sessionId })}
                >
                  <span className={`console-tab__state console-tab__state--${s.info.state}`} title={s.info.state} aria-label={s.info.state} />
                  <span className="mono">{s.info.path.replace('/dev/', '')}</span>
                  <span className={`console-tab__outcome console-tab__outcome--${b.tone}`}>{b.outcome === 'none' ? '' : b.outcome}</span>
                </button>
                <button type="button" className="console-tab__close" aria-label={`Close ${s.info.path}`} onClick={() => void c.remove(s.info.sessionId)}>
                  ×
                </button>
              </div>
            );
          })}
          {c.analyses.map((a) => (
            <div key={a.id} className={`console-tab console-tab--log${isTab('analysis', a.id) ? ' console-tab--active' : ''}`}>
              <button type="button" role="tab" aria-selected={isTab('analysis', a.id)} className="console-tab__button" data-testid={`analysis-tab-${a.id}`} onClick={() => c.setTab({ kind: 'analysis', id: a.id })}>
                <span aria-hidden="true">▤</span>
                <span className="mono">{a.path.slice(a.path.lastIndexOf('/') + 1)}</span>
                <span className={`console-tab__outcome console-tab__outcome--${verdictBadge(a.verdict).tone}`}>{a.verdict.outcome}</span>
              </button>
              <button type="button" className="console-tab__close" aria-label={`Close ${a.path}`} onClick={() => c.removeAnalysis(a.id)}>
                ×
              </button>
            </div>
          ))}
        </div>
      )}
      {c.sessions.map((s) => (
        <SessionPane
          key={s.info.sessionId}
          session={s}
          hub={c.hub}
          visible={props.visible && isTab('session', s.info.sessionId)}
          onConfigure={(change) => void c.configure(s.info.sessionId, change)}
          onClose={() => void c.close(s.info.sessionId)}
        />
      ))}
      {c.analyses.map((a) => (
        <AnalysisPane key={a.id} analysis={a} visible={isTab('analysis', a.id)} onClose={() => c.removeAnalysis(a.id)} />
      ))}
    </section>
  );
}
