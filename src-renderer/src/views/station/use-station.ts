import { useCallback, useEffect, useState } from 'react';
import type { SlotData, StationJobData } from '../../../../src-main/api/contract.js';
import { useApi, useConnection, useEvent } from '../../api/api-context.js';
import { useMessages } from '../../components/messages.js';

/** What the Station view shows: the slots, the job being watched (armed, or the last one), and a refresh. */
export interface StationState {
  slots: SlotData[] | null;
  job: StationJobData | null;
  refresh(): Promise<void>;
  setJob(job: StationJobData): void;
}

/**
 * Loads the slots and re-attaches to the running job (`stationJob.status`: armed jobs first) on mount, on every
 * reconnection and on every station event, so a reloaded page or a second browser shows the same job.
 */
export function useStation(onFinished: (announcement: string, ok: boolean) => void): StationState {
  const api = useApi();
  const connection = useConnection();
  const { reportError } = useMessages();
  const [slots, setSlots] = useState<SlotData[] | null>(null);
  const [job, setJob] = useState<StationJobData | null>(null);

  const refresh = useCallback(async () => {
    try {
      const [list, status] = await Promise.all([api.call('slots.list', {}), api.call('stationJob.status', {})]);
      setSlots(list);
      setJob((current) => status.jobs.find((j) => j.state === 'armed') ?? status.jobs.find((j) => j.jobId === current?.jobId) ?? status.jobs[0] ?? null);
    } catch (e) {
      reportError(e, 'Cannot read the station');
    }
  }, [api, reportError]);

  useEffect(() => {
    if (connection === 'up') void refresh();
  }, [connection, refresh]);

  useEvent('station.job-changed', (p) => setJob((current) => (current === null || current.jobId === p.job.jobId || p.job.state === 'armed' ? p.job : current)));
  useEvent('station.slot-changed', () => void refresh());
  useEvent('station.card-started', () => void refresh());
  useEvent('station.card-progress', (p) =>
    setJob((current) => {
      if (!current || current.jobId !== p.jobId) return current;
      const tiles = current.tiles.map((t) =>
        t.slot === p.slot ? { ...t, state: p.phase, bytes: p.bytes, total: p.total, speed: p.speed } : t,
      );
      return { ...current, tiles };
    }),
  );
  useEvent('station.card-done', (p) => {
    onFinished(p.announcement, true);
    void refresh();
  });
  useEvent('station.card-failed', (p) => {
    onFinished(p.announcement, false);
    void refresh();
  });

  return { slots, job, refresh, setJob };
}
