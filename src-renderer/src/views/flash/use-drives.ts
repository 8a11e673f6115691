import { useCallback, useEffect, useRef, useState } from 'react';
import type { DriveStatus, ImageInfo } from '../../../../src-main/api/contract.js';
import { useApi, useConnection, useEvent } from '../../api/api-context.js';
import { useMessages } from '../../components/messages.js';

/** How long a newly attached drive stays highlighted. */
const FRESH_MS = 5000;

/** The live drive list. */
export interface DrivesState {
  /** null until the first answer. */
  drives: DriveStatus[] | null;
  /** Devices attached in the last few seconds (highlighted). */
  fresh: ReadonlySet<string>;
  /** Re-reads the list now; resolves with it (null on error). */
  refresh(): Promise<DriveStatus[] | null>;
}

/**
 * Drives with their eligibility for the chosen image: `drives.list` now, again on every `drives.changed` (with the
 * image, so reasons such as too-small and source stay right) and after the event stream reconnects.
 */
export function useDrives(image: ImageInfo | null): DrivesState {
  const api = useApi();
  const connection = useConnection();
  const { reportError } = useMessages();
  const [drives, setDrives] = useState<DriveStatus[] | null>(null);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const seq = useRef(0);
  const imagePath = image?.path;
  const entry = image?.entry ?? undefined;

  const refresh = useCallback(async (): Promise<DriveStatus[] | null> => {
    const my = ++seq.current;
    try {
      const input = imagePath ? (entry ? { image: imagePath, entry } : { image: imagePath }) : {};
      const list = await api.call('drives.list', input);
      if (my === seq.current) setDrives(list);
      return list;
    } catch (e) {
      if (my === seq.current) reportError(e, 'Cannot list the drives');
      return null;
    }
  }, [api, imagePath, entry, reportError]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const wasDown = useRef(false);
  useEffect(() => {
    if (connection === 'down') wasDown.current = true;
    if (connection === 'up' && wasDown.current) {
      wasDown.current = false;
      void refresh();
    }
  }, [connection, refresh]);

  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());
  useEffect(() => {
    const t = timers.current;
    return () => t.forEach((x) => clearTimeout(x));
  }, []);

  useEvent('drives.changed', (payload) => {
    if (payload.attached.length > 0) {
      setFresh((old) => new Set([...old, ...payload.attached]));
      for (const dev of payload.attached) {
        const old = timers.current.get(dev);
        if (old) clearTimeout(old);
        timers.current.set(
          dev,
          setTimeout(() => {
            timers.current.delete(dev);
            setFresh((s) => {
              const n = new Set(s);
              n.delete(dev);
              return n;
            });
          }, FRESH_MS),
        );
      }
    }
    if (imagePath) {
      void refresh();
    } else {
      // without an image the server's reasons are already the right ones
      seq.current += 1;
      setDrives(payload.drives);
    }
  });

  return { drives, fresh, refresh };
}
