import type { ApiClient, CommandInput, CommandName, CommandOutput, EventName, EventPayload } from '../../../src-main/api/contract.js';
import { EventListeners } from '../../../src-main/api/listeners.js';
import { ClientApiError, toClientError } from './client-error.js';
import { ConnectionStatus } from './connection.js';
import { parseCommandOutput, parseEventMessage } from './validate.js';

/** Reconnection delays of the event socket, in ms (the last one repeats). */
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000];

/** Talks to a `walt-bench station` over HTTP (commands) and a WebSocket (events), same origin. */
export class StationClient implements ApiClient {
  private readonly listeners = new EventListeners();
  private socket: WebSocket | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  /** Up while the event socket is open. */
  readonly connection = new ConnectionStatus('connecting');

  constructor(private readonly token: string | null) {
    this.connect();
  }

  /** Headers every request carries (the cookie rides along too). */
  authHeaders(): Record<string, string> {
    return this.token ? { Authorization: `Bearer ${this.token}` } : {};
  }

  async call<C extends CommandName>(name: C, input: CommandInput<C>): Promise<CommandOutput<C>> {
    let res: Response;
    try {
      res = await fetch(`api/call/${encodeURIComponent(name)}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', ...this.authHeaders() },
        body: JSON.stringify(input ?? {}),
      });
    } catch {
      throw new ClientApiError('io-error', 'The station does not answer', 'Is `walt-bench station` still running?');
    }
    const body = await readJson(res);
    if (res.ok && isOkEnvelope(body)) return parseCommandOutput(name, body.result);
    throw errorFromResponse(res, body);
  }

  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.listeners.add(name, listener);
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.socket?.close();
  }

  /** Opens the event socket; on close, retries with backoff while the page lives. */
  private connect(): void {
    const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    const url = new URL('api/events', window.location.href);
    url.protocol = proto;
    url.search = this.token ? `?token=${encodeURIComponent(this.token)}` : '';
    url.hash = '';
    let ws: WebSocket;
    try {
      ws = new WebSocket(url.toString());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.connection.set('up');
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (typeof ev.data !== 'string') return;
      let raw: unknown;
      try {
        raw = JSON.parse(ev.data);
      } catch {
        return;
      }
      const msg = parseEventMessage(raw);
      if (msg) this.listeners.deliver(msg);
    };
    ws.onclose = () => {
      if (this.socket === ws) this.socket = null;
      if (this.closed) return;
      this.connection.set('down');
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)] ?? 8000;
    this.attempt += 1;
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }
}

/** `{ ok: true, result }` from the station. */
function isOkEnvelope(body: unknown): body is { ok: true; result: unknown } {
  return typeof body === 'object' && body !== null && (body as { ok?: unknown }).ok === true;
}

async function readJson(res: Response): Promise<unknown> {
  try {
    return await res.json();
  } catch {
    return null;
  }
}

/** Builds the error of a failed request: the server's `{ok:false,error}` when present, else the HTTP status. */
export function errorFromResponse(res: { status: number; statusText: string }, body: unknown): ClientApiError {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    return toClientError((body as { error: unknown }).error);
  }
  if (res.status === 401 || res.status === 403) {
    return new ClientApiError(
      'permission',
      'The station refused this page: its access token is missing or wrong',
      'Open the address with ?token=... that `walt-bench station` printed when it started',
    );
  }
  return new ClientApiError('internal', `The station answered HTTP ${res.status} ${res.statusText}`.trim());
}
