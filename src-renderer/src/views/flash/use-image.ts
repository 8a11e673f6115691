import { useCallback, useRef, useState } from 'react';
import type { ImageInfo } from '../../../../src-main/api/contract.js';
import { useApi } from '../../api/api-context.js';
import { useMessages } from '../../components/messages.js';

/** The chosen image and how it is being read. */
export interface ImageState {
  info: ImageInfo | null;
  /** Path being inspected right now, or null. */
  inspecting: string | null;
  /** Inspects a path (and optionally one entry of a zip); keeps the previous image on error. */
  choose(path: string, entry?: string): Promise<boolean>;
  /** Picks the image inside a zip holding several. */
  chooseEntry(entry: string): Promise<boolean>;
  clear(): void;
}

/** True when the image can be written: read, and for a zip with several images, one chosen. */
export function imageReady(info: ImageInfo | null): info is ImageInfo {
  return info !== null && (info.entries.length <= 1 || info.entry !== null) && info.size !== 0;
}

/** Chooses and inspects the image (`image.inspect`). */
export function useImage(): ImageState {
  const api = useApi();
  const { reportError } = useMessages();
  const [info, setInfo] = useState<ImageInfo | null>(null);
  const [inspecting, setInspecting] = useState<string | null>(null);
  const seq = useRef(0);

  const choose = useCallback(
    async (path: string, entry?: string): Promise<boolean> => {
      const my = ++seq.current;
      setInspecting(path);
      try {
        const result = await api.call('image.inspect', entry === undefined ? { path } : { path, entry });
        if (my === seq.current) setInfo(result);
        return true;
      } catch (e) {
        if (my === seq.current) reportError(e, `Cannot use ${baseName(path)}`);
        return false;
      } finally {
        if (my === seq.current) setInspecting(null);
      }
    },
    [api, reportError],
  );

  const chooseEntry = useCallback(
    async (entry: string): Promise<boolean> => (info ? choose(info.path, entry) : false),
    [info, choose],
  );

  const clear = useCallback(() => {
    seq.current += 1;
    setInfo(null);
    setInspecting(null);
  }, []);

  return { info, inspecting, choose, chooseEntry, clear };
}

/** Last path component. */
export function baseName(path: string): string {
  const parts = path.split('/').filter(Boolean);
  return parts[parts.length - 1] ?? path;
}
