import { useCallback, useEffect, useRef, useState } from 'react';
import type { CommandInput, EventPayload } from '../../../../src-main/api/contract.js';
import { useApi, useEvent } from '../../api/api-context.js';
import { useMessages } from '../../components/messages.js';
import { sessionStartClock, type CheckId, type Verdict } from './check-steps.js';

/** A DHCP packet seen on the link. */
export type DhcpRow = EventPayload<'bench.dhcp'> & { key: number };
/** A TFTP request seen on the link, stamped when the UI got it. */
export type TftpRow = EventPayload<'bench.tftp'> & { key: number; time: string };
/** A bench status line. */
export interface StatusRow {
  key: number;
  time: string;
  message: string;
}

/** What the technician asks for. */
export type CheckRequest = CommandInput<'check.start'>;

/** The state of the boot check view. */
export interface BootCheckState {
  verdict: Verdict | null;
  /** The request of the current (or last) check. */
  request: CheckRequest | null;
  phase: 'idle' | 'starting' | 'running' | 'done';
  /** Milliseconds since start at which each check was decided. */
  decidedAt: Partial<Record<CheckId, number>>;
  /** Milliseconds since the check started (ticks while it runs). */
  elapsedMs: number;
  dhcp: DhcpRow[];
  tftp: TftpRow[];
  status: StatusRow[];
  start(request: CheckRequest): Promise<void>;
  stop(): Promise<void>;
}

const KEEP = 300;
let nextKey = 1;

/** Runs one boot check at a time and collects what the bench sees on the link while the view lives. */
export function useBootCheck(): BootCheckState {
  const api = useApi();
  const { reportError } = useMessages();
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [request, setRequest] = useState<CheckRequest | null>(null);
  const [phase, setPhase] = useState<BootCheckState['phase']>('idle');
  const [dhcp, setDhcp] = useState<DhcpRow[]>([]);
  const [tftp, setTftp] = useState<TftpRow[]>([]);
  const [status, setStatus] = useState<StatusRow[]>([]);
  const [elapsedMs, setElapsedMs] = useState(0);
  const startedAt = useRef(0);
  const clock = useRef<number | null>(null);
  const [decidedAt, setDecidedAt] = useState<Partial<Record<CheckId, number>>>({});

  /** Takes a verdict unless an older one arrives after a newer one (command reply vs event). */
  const accept = useCallback((v: Verdict) => {
    setVerdict((old) => (old && old.elapsedMs > v.elapsedMs && old.model === v.model ? old : v));
    clock.current ??= sessionStartClock(v);
    const base = clock.current;
    if (base !== null) {
      setDecidedAt(() => {
        const next: Partial<Record<CheckId, number>> = {};
        for (const c of v.checks) if (c.at !== null) next[c.id] = Math.max(0, c.at - base);
        return next;
      });
    }
  }, []);

  useEvent('check.update', (v) => {
    if (phase === 'running' || phase === 'starting') accept(v);
  });
  useEvent('check.done', (v) => {
    if (phase !== 'running' && phase !== 'starting') return;
    accept(v);
    setElapsedMs(v.elapsedMs);
    setPhase('done');
  });
  useEvent('bench.dhcp', (d) => setDhcp((list) => [{ ...d, key: nextKey++ }, ...list].slice(0, KEEP)));
  useEvent('bench.tftp', (t) =>
    setTftp((list) => {
      // the end of a transfer replaces its "started" line (same client port and file)
      const same = (r: TftpRow): boolean =>
        r.result === 'started' && r.clientIp === t.clientIp && r.clientPort === t.clientPort && r.filename === t.filename;
      const rest = t.result === 'started' ? list : list.filter((r) => !same(r));
      return [{ ...t, key: nextKey++, time: new Date().toISOString() }, ...rest].slice(0, KEEP);
    }),
  );
  useEvent('bench.status', (s) =>
    setStatus((list) => [{ ...s, key: nextKey++, time: new Date().toISOString() }, ...list].slice(0, 50)),
  );

  useEffect(() => {
    if (phase !== 'running') return;
    const t = setInterval(() => setElapsedMs(Date.now() - startedAt.current), 500);
    return () => clearInterval(t);
  }, [phase]);

  const start = useCallback(
    async (req: CheckRequest) => {
      setPhase('starting');
      setRequest(req);
      setVerdict(null);
      setDecidedAt({});
      clock.current = null;
      setDhcp([]);
      setTftp([]);
      setElapsedMs(0);
      setStatus((list) =>
        [{ key: nextKey++, time: new Date().toISOString(), message: `— check of ${req.expect} on ${req.iface} —` }, ...list].slice(0, 50),
      );
      startedAt.current = Date.now();
      try {
        const v = await api.call('check.start', req);
        startedAt.current = Date.now() - v.elapsedMs;
        accept(v);
        setPhase((p) => (p === 'starting' ? (v.verdict === 'pending' ? 'running' : 'done') : p));
      } catch (e) {
        setPhase('idle');
        reportError(e, 'Cannot start the boot check');
      }
    },
    [api, accept, reportError],
  );

  const stop = useCallback(async () => {
    try {
      const v = await api.call('check.stop', {});
      if (v) accept(v);
    } catch (e) {
      reportError(e, 'Cannot stop the boot check');
    }
    setPhase((p) => (p === 'idle' ? p : 'done'));
  }, [api, accept, reportError]);

  return { verdict, request, phase, decidedAt, elapsedMs, dhcp, tftp, status, start, stop };
}
