import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi, useEvent } from '../../api/api-context.js';
import { useMessages } from '../../components/messages.js';
import { fromBase64, logName } from './boot-format.js';
import type { ConsoleSession, ConsoleTab, LogAnalysis, OpenSettings, SessionInfoData } from './console-types.js';
import { TerminalHub } from './terminal-hub.js';

/** How much of an already open session's raw log is replayed when the view (re)loads. */
const REPLAY_BYTES = 1024 * 1024;

/** The console sessions and log analyses of the view, kept live from the serial events. */
export function useConsoleSessions() {
  const api = useApi();
  const { reportError } = useMessages();
  const [hub] = useState(() => new TerminalHub());
  const [sessions, setSessions] = useState<ConsoleSession[]>([]);
  const [analyses, setAnalyses] = useState<LogAnalysis[]>([]);
  const [tab, setTab] = useState<ConsoleTab>(null);
  const known = useRef(new Set<string>());

  const patch = useCallback((id: string, f: (s: ConsoleSession) => ConsoleSession) => {
    setSessions((list) => list.map((s) => (s.info.sessionId === id ? f(s) : s)));
  }, []);

  const add = useCallback((info: SessionInfoData, select: boolean) => {
    known.current.add(info.sessionId);
    setSessions((list) => (list.some((s) => s.info.sessionId === info.sessionId) ? list : [...list, { info, verdict: null, notice: null }]));
    if (select) setTab({ kind: 'session', id: info.sessionId });
  }, []);

  /** Sessions the service already has (a reload, another window): their tabs, scrollback and timeline. */
  const adopt = useCallback(async () => {
    let list: SessionInfoData[];
    try {
      list = await api.call('serial.sessions', {});
    } catch {
      return;
    }
    for (const info of list) {
      if (info.state === 'closed' || known.current.has(info.sessionId)) continue;
      add(info, false);
      setTab((t) => t ?? { kind: 'session', id: info.sessionId });
      try {
        const name = logName(info.rawLog);
        const head = await api.call('serial.logs.read', { name, offset: 0, length: 1 });
        const from = Math.max(0, head.size - REPLAY_BYTES);
        const r = await api.call('serial.logs.read', { name, offset: from, length: REPLAY_BYTES });
        hub.write(info.sessionId, fromBase64(r.data));
        const st = await api.call('serial.status', { sessionId: info.sessionId });
        patch(info.sessionId, (s) => ({ ...s, info: st.session, verdict: s.verdict ?? st.verdict }));
      } catch {
        // the log is not readable yet: the live bytes still come
      }
    }
  }, [api, add, hub, patch]);

  useEffect(() => {
    void adopt();
  }, [adopt]);

  useEvent('serial.data', (p) => hub.write(p.sessionId, fromBase64(p.data)));
  useEvent('serial.boot', (p) => {
    if (!known.current.has(p.sessionId)) void adopt();
    patch(p.sessionId, (s) => ({ ...s, verdict: p.verdict }));
  });
  useEvent('serial.verdict', (p) => patch(p.sessionId, (s) => ({ ...s, verdict: p.verdict })));
  useEvent('serial.state', (p) => {
    patch(p.sessionId, (s) => ({ ...s, info: { ...s.info, state: p.state }, notice: { state: p.state, message: p.message, at: Date.now() } }));
    if (p.state === 'open') {
      // reconnected: the path (and reconnect count) may have changed
      api.call('serial.status', { sessionId: p.sessionId }).then(
        (st) => patch(p.sessionId, (s) => ({ ...s, info: st.session })),
        () => undefined,
      );
    }
  });

  const open = useCallback(
    async (path: string, settings: OpenSettings): Promise<boolean> => {
      try {
        add(await api.call('serial.open', { path, ...settings }), true);
        return true;
      } catch (e) {
        reportError(e, `Cannot open ${path}`);
        return false;
      }
    },
    [api, add, reportError],
  );

  const close = useCallback(
    async (id: string) => {
      try {
        const info = await api.call('serial.close', { sessionId: id });
        patch(id, (s) => ({ ...s, info }));
      } catch (e) {
        reportError(e, 'Cannot close the port');
      }
    },
    [api, patch, reportError],
  );

  /** Closes the port if open and removes its tab. */
  const remove = useCallback(
    async (id: string) => {
      const s = sessions.find((x) => x.info.sessionId === id);
      if (s && s.info.state !== 'closed') await close(id);
      setSessions((list) => list.filter((x) => x.info.sessionId !== id));
      hub.drop(id);
      known.current.delete(id);
      setTab((t) => (t?.kind === 'session' && t.id === id ? null : t));
    },
    [sessions, close, hub],
  );

  const configure = useCallback(
    async (id: string, change: { newline?: OpenSettings['newline']; localEcho?: boolean; expect?: string | null; restartAnalysis?: boolean }) => {
      try {
        const info = await api.call('serial.configure', { sessionId: id, ...change });
        patch(id, (s) => ({ ...s, info, verdict: change.restartAnalysis || change.expect !== undefined ? null : s.verdict }));
      } catch (e) {
        reportError(e, 'Cannot change the console settings');
      }
    },
    [api, patch, reportError],
  );

  const analyze = useCallback(
    async (path: string, expect: string | null): Promise<boolean> => {
      try {
        const r = await api.call('serial.analyze', { path, expect });
        const id = `a${Date.now().toString(36)}`;
        setAnalyses((list) => [...list, { id, path: r.path, verdict: r.verdict, events: r.events, lines: r.lines, linesCut: r.linesCut, expect }]);
        setTab({ kind: 'analysis', id });
        return true;
      } catch (e) {
        reportError(e, `Cannot analyze ${path}`);
        return false;
      }
    },
    [api, reportError],
  );

  const removeAnalysis = useCallback((id: string) => {
    setAnalyses((list) => list.filter((a) => a.id !== id));
    setTab((t) => (t?.kind === 'analysis' && t.id === id ? null : t));
  }, []);

  return { hub, sessions, analyses, tab, setTab, open, close, remove, configure, analyze, removeAnalysis };
}
