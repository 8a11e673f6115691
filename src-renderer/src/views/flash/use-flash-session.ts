import { useCallback, useEffect, useReducer, useRef } from 'react';
import type { DriveIdentityData, ImageInfo } from '../../../../src-main/api/contract.js';
import { useApi, useEvent } from '../../api/api-context.js';
import { useMessages } from '../../components/messages.js';
import { initialSessions, sessionsReducer, type SessionView } from './session-state.js';

/** What a new flash needs. */
export interface StartRequest {
  image: ImageInfo;
  drives: DriveIdentityData[];
  verify: boolean;
  confirmLarge: boolean;
  /** Every byte of a disk image instead of only its blocks in use. */
  full?: boolean;
  /** A bmap file naming the ranges to write (otherwise one beside the image is honoured). */
  bmap?: string;
}

/** The flash session on screen and the commands acting on it. */
export interface FlashSessionState {
  current: SessionView | null;
  starting: boolean;
  start(req: StartRequest): Promise<boolean>;
  cancel(device?: string): Promise<void>;
  add(drive: DriveIdentityData, confirmLarge: boolean): Promise<boolean>;
  /** Leaves the results screen (the session stays in the journal). */
  reset(): void;
}

/** Follows flash sessions through `flash.progress`, `flash.card-done` and `flash.done`. */
export function useFlashSession(): FlashSessionState {
  const api = useApi();
  const { reportError } = useMessages();
  const [state, dispatch] = useReducer(sessionsReducer, initialSessions);

  useEvent('flash.progress', (progress) => dispatch({ type: 'progress', progress }));
  useEvent('flash.card-done', (p) => dispatch({ type: 'card-done', sessionId: p.sessionId, result: p.result }));
  useEvent('flash.done', (p) => dispatch({ type: 'done', sessionId: p.sessionId, results: p.results }));

  const current = state.currentId ? (state.sessions[state.currentId] ?? null) : null;

  // an adopted session has no image yet: ask for its status once
  const asked = useRef(new Set<string>());
  useEffect(() => {
    if (!current || current.image || asked.current.has(current.sessionId)) return;
    asked.current.add(current.sessionId);
    api
      .call('flash.status', { sessionId: current.sessionId })
      .then((session) => dispatch({ type: 'snapshot', session }))
      .catch(() => undefined);
  }, [api, current]);

  const start = useCallback(
    async (req: StartRequest): Promise<boolean> => {
      dispatch({ type: 'starting', value: true });
      try {
        const input = {
          image: req.image.path,
          drives: req.drives,
          verify: req.verify,
          confirmLarge: req.confirmLarge,
          ...(req.image.entry ? { entry: req.image.entry } : {}),
          ...(req.full ? { full: true } : {}),
          ...(req.bmap ? { bmap: req.bmap } : {}),
        };
        const session = await api.call('flash.start', input);
        dispatch({ type: 'snapshot', session, identities: req.drives, makeCurrent: true });
        return true;
      } catch (e) {
        dispatch({ type: 'starting', value: false });
        reportError(e, 'Flashing did not start');
        return false;
      }
    },
    [api, reportError],
  );

  const sessionId = current?.sessionId ?? null;
  const cancel = useCallback(
    async (device?: string) => {
      if (!sessionId) return;
      try {
        const session = await api.call('flash.cancel', device ? { sessionId, device } : { sessionId });
        dispatch({ type: 'snapshot', session });
      } catch (e) {
        reportError(e, device ? `Cannot cancel ${device}` : 'Cannot cancel');
      }
    },
    [api, sessionId, reportError],
  );

  const add = useCallback(
    async (drive: DriveIdentityData, confirmLarge: boolean): Promise<boolean> => {
      if (!sessionId) return false;
      try {
        const session = await api.call('flash.add', { sessionId, drive, confirmLarge });
        dispatch({ type: 'snapshot', session, identities: [drive] });
        return true;
      } catch (e) {
        reportError(e, `Cannot add ${drive.device}`);
        return false;
      }
    },
    [api, sessionId, reportError],
  );

  const reset = useCallback(() => dispatch({ type: 'reset' }), []);

  return { current, starting: state.starting, start, cancel, add, reset };
}
