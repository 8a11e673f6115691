import { useCallback, useEffect, useState } from 'react';
import type { CommandInput } from '../../../../../src-main/api/contract.js';
import { useApi, useEvent } from '../../../api/api-context.js';
import { useMessages } from '../../../components/messages.js';
import type { StatusRow } from '../use-boot-check.js';
import { upsertBoard, type RackBoardData, type RackSnapshotData } from './rack-rows.js';

/** What the technician asks for. */
export type RackRequest = CommandInput<'check.rackStart'>;

/** The state of the rack mode of the boot check view. */
export interface RackCheckState {
  phase: 'idle' | 'starting' | 'running' | 'done';
  /** The current (or last) check's settings and consoles; boards are in `boards`. */
  snapshot: RackSnapshotData | null;
  boards: RackBoardData[];
  /** Rack events received since the start (for the summary line). */
  events: number;
  /** The bench's status lines (answers refused, drops), newest first. */
  status: StatusRow[];
  start(request: RackRequest): Promise<void>;
  stop(): Promise<void>;
}

let nextKey = 1;

/** Runs a rack check: every board on the link, keyed by MAC, live from check.rackEvent until check.rackDone. */
export function useRackCheck(): RackCheckState {
  const api = useApi();
  const { reportError } = useMessages();
  const [phase, setPhase] = useState<RackCheckState['phase']>('idle');
  const [snapshot, setSnapshot] = useState<RackSnapshotData | null>(null);
  const [boards, setBoards] = useState<RackBoardData[]>([]);
  const [events, setEvents] = useState(0);
  const [status, setStatus] = useState<StatusRow[]>([]);

  const take = useCallback((s: RackSnapshotData) => {
    setSnapshot(s);
    // a board's newest row wins: a snapshot may be older than an event that came before its reply
    setBoards((old) => s.boards.map((b) => {
      const seen = old.find((o) => o.mac === b.mac);
      return seen && seen.lastChangeMs > b.lastChangeMs ? seen : b;
    }).concat(old.filter((o) => !s.boards.some((b) => b.mac === o.mac))));
  }, []);

  // a rack check already running (or the last one) when the view opens
  useEffect(() => {
    let live = true;
    api.call('check.rackStatus', {}).then(
      (s) => {
        if (!live || !s) return;
        take(s);
        setPhase((p) => (p === 'idle' ? (s.running ? 'running' : 'done') : p));
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api, take]);

  useEvent('check.rackEvent', (e) => {
    if (phase === 'idle') setPhase('running');
    setEvents((n) => n + 1);
    setBoards((list) => upsertBoard(list, e.board));
  });
  useEvent('bench.status', (s) => setStatus((list) => [{ key: nextKey++, time: new Date().toISOString(), message: s.message }, ...list].slice(0, 50)));
  useEvent('check.rackDone', (s) => {
    if (phase === 'starting' || phase === 'running' || phase === 'idle') {
      take(s);
      setPhase('done');
    }
  });

  const start = useCallback(
    async (req: RackRequest) => {
      setPhase('starting');
      setBoards([]);
      setSnapshot(null);
      setEvents(0);
      try {
        const s = await api.call('check.rackStart', req);
        take(s);
        setPhase((p) => (p === 'starting' ? (s.running ? 'running' : 'done') : p));
      } catch (e) {
        setPhase('idle');
        reportError(e, 'Cannot start the rack check');
      }
    },
    [api, take, reportError],
  );

  const stop = useCallback(async () => {
    try {
      const s = await api.call('check.rackStop', {});
      if (s) take(s);
    } catch (e) {
      reportError(e, 'Cannot stop the rack check');
    }
    setPhase((p) => (p === 'idle' ? p : 'done'));
  }, [api, take, reportError]);

  return { phase, snapshot, boards, events, status, start, stop };
}
