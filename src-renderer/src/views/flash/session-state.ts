import type {
  CardProgressEvent,
  CardResultData,
  DriveIdentityData,
  FlashSession,
  ImageInfo,
} from '../../../../src-main/api/contract.js';

/** What the UI knows of one flash session, merged from flash.start/add/status answers and events. */
export interface SessionView {
  sessionId: string;
  image: ImageInfo | null;
  verify: boolean | null;
  /** Devices in the order they were added. */
  order: string[];
  identities: Record<string, DriveIdentityData>;
  progress: Record<string, CardProgressEvent>;
  results: Record<string, CardResultData>;
  finished: boolean;
}

/** Every session heard of (events may arrive before flash.start answers), and the one on screen. */
export interface SessionsState {
  sessions: Record<string, SessionView>;
  currentId: string | null;
  /** A flash.start is in flight: events of unknown sessions are kept, not adopted. */
  starting: boolean;
}

/** Changes to the session state. */
export type SessionAction =
  | { type: 'progress'; progress: CardProgressEvent }
  | { type: 'card-done'; sessionId: string; result: CardResultData }
  | { type: 'done'; sessionId: string; results: CardResultData[] }
  | { type: 'snapshot'; session: FlashSession; identities?: DriveIdentityData[]; makeCurrent?: boolean }
  | { type: 'starting'; value: boolean }
  | { type: 'reset' };

export const initialSessions: SessionsState = { sessions: {}, currentId: null, starting: false };

const PHASE_RANK: Record<CardProgressEvent['phase'], number> = {
  queued: 0,
  decompress: 1,
  write: 2,
  verify: 3,
  done: 4,
  failed: 4,
  cancelled: 4,
};

/** The further along of two progress reports of one card (HTTP answers and socket events race). */
export function furtherProgress(a: CardProgressEvent | undefined, b: CardProgressEvent): CardProgressEvent {
  if (!a) return b;
  const ra = PHASE_RANK[a.phase];
  const rb = PHASE_RANK[b.phase];
  if (ra !== rb) return rb > ra ? b : a;
  return b.bytes >= a.bytes ? b : a;
}

function emptySession(sessionId: string): SessionView {
  return { sessionId, image: null, verify: null, order: [], identities: {}, progress: {}, results: {}, finished: false };
}

function withDevice(s: SessionView, device: string): SessionView {
  return s.order.includes(device) ? s : { ...s, order: [...s.order, device] };
}

function update(state: SessionsState, sessionId: string, f: (s: SessionView) => SessionView): SessionsState {
  const old = state.sessions[sessionId] ?? emptySession(sessionId);
  const sessions = { ...state.sessions, [sessionId]: f(old) };
  // adopt a running session heard of while idle (started from another window, or before a reload)
  const adopt = state.currentId === null && !state.starting && !sessions[sessionId]!.finished;
  return { ...state, sessions, currentId: adopt ? sessionId : state.currentId };
}

/** Applies one action. Pure. */
export function sessionsReducer(state: SessionsState, action: SessionAction): SessionsState {
  switch (action.type) {
    case 'progress': {
      const p = action.progress;
      return update(state, p.sessionId, (s) => {
        const w = withDevice(s, p.device);
        return { ...w, progress: { ...w.progress, [p.device]: furtherProgress(w.progress[p.device], p) } };
      });
    }
    case 'card-done':
      return update(state, action.sessionId, (s) => {
        const w = withDevice(s, action.result.device);
        return { ...w, results: { ...w.results, [action.result.device]: action.result } };
      });
    case 'done':
      return update(state, action.sessionId, (s) => {
        let w = s;
        const results = { ...s.results };
        for (const r of action.results) {
          w = withDevice(w, r.device);
          results[r.device] = r;
        }
        return { ...w, results, finished: true };
      });
    case 'snapshot': {
      const snap = action.session;
      const base = action.makeCurrent
        ? { ...state, currentId: snap.sessionId, starting: false, sessions: pruneFinished(state.sessions) }
        : state;
      return update(base, snap.sessionId, (s) => {
        let w: SessionView = { ...s, image: snap.image, verify: snap.verify, finished: s.finished || snap.finished };
        const identities = { ...w.identities };
        for (const id of action.identities ?? []) {
          identities[id.device] = id;
          w = withDevice(w, id.device);
        }
        const progress = { ...w.progress };
        for (const c of snap.cards) {
          w = withDevice(w, c.device);
          progress[c.device] = furtherProgress(progress[c.device], c);
        }
        const results = { ...w.results };
        for (const r of snap.results) results[r.device] ??= r;
        return { ...w, identities, progress, results };
      });
    }
    case 'starting':
      return { ...state, starting: action.value };
    case 'reset':
      return { sessions: pruneFinished(state.sessions), currentId: null, starting: false };
  }
}

/** Drops finished sessions (they are in the journal). */
function pruneFinished(sessions: Record<string, SessionView>): Record<string, SessionView> {
  return Object.fromEntries(Object.entries(sessions).filter(([, s]) => !s.finished));
}
