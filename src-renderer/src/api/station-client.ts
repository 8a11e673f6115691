import type { ApiClient, CommandInput, CommandName, CommandOutput, EventName, EventPayload } from '../../../src-main/api/contract.js';
import { EventListeners } from '../../../src-main/api/listeners.js';
import { ClientApiError, toClientError } from './client-error.js';
import { ConnectionStatus } from './connection.js';
import { parseCommandOutput, parseEventFrame } from './validate.js';

/** The WebSocket subprotocol the station echoes; the token rides in a second one (`token.<hex>`), never echoed. */
const EVENTS_PROTOCOL = 'walt-bench.v1';

/** Reconnection delays of the event socket, in ms (the last one repeats). */
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000];

/**
 * Talks to a `walt-bench station` over HTTP (commands, with `Authorization: Bearer`) and a WebSocket (events, the
 * token as a subprotocol), same origin. When the station refuses the token (it restarted with a new one), the
 * connection ends 'refused' and stops retrying: the page then says to open the new URL.
 */
export class StationClient implements ApiClient {
  private readonly listeners = new EventListeners();
  private socket: WebSocket | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  /** Up while the event socket is open. */
  readonly connection: ConnectionStatus;

  /** This page's id, issued by the station (GET api/session) and kept for the tab: the station names the page by it. */
  private pageId: string = keptPageId() ?? '';
  /** What other pages see of this one (`station <address> #<6 hex>`), as the station names it in `armedBy`. */
  private label = '';
  /** The session request in flight: commands wait for it, so each carries the id the station issued. */
  private session: Promise<void>;

  constructor(private readonly token: string | null) {
    this.connection = new ConnectionStatus(token ? 'connecting' : 'no-token');
    this.session = token ? this.askSession().then(() => undefined) : Promise.resolve();
    if (token) this.connect();
  }

  /** This page's label as the station shows it ('' until the station answered). */
  clientLabel(): string {
    return this.label;
  }

  /** Headers every request carries (the only way the token reaches the station over HTTP). */
  authHeaders(): Record<string, string> {
    if (!this.token) return {};
    return this.pageId ? { Authorization: `Bearer ${this.token}`, 'X-Walt-Client': this.pageId } : { Authorization: `Bearer ${this.token}` };
  }

  /**
   * Asks the station for this page's id (it keeps the one it issued to this address, else issues a new one: after a
   * station restart) and keeps it for the tab. Returns the HTTP status (0: no answer).
   */
  private async askSession(): Promise<number> {
    try {
      const res = await fetch('api/session', { credentials: 'omit', headers: this.authHeaders(), cache: 'no-store' });
      const body = await readJson(res);
      const result = isOkEnvelope(body) ? (body.result as { client?: unknown; label?: unknown } | null) : null;
      if (res.ok && typeof result?.client === 'string' && ISSUED_ID.test(result.client)) {
        this.pageId = result.client;
        this.label = typeof result.label === 'string' ? result.label : '';
        keepPageId(result.client);
      }
      return res.status;
    } catch {
      return 0;
    }
  }

  async call<C extends CommandName>(name: C, input: CommandInput<C>): Promise<CommandOutput<C>> {
    await this.session;
    // a command that names this page waits for an id the station issued (asked once more when the first ask failed)
    if (!this.pageId && !isRead(name) && this.token) await this.askSession();
    const res = await this.send(name, input);
    if (res.status === 409 && res.headers.get('x-walt-session') === 'unknown') {
      // the station restarted since this page got its id: a new one, then the command once more
      await this.askSession();
      return this.finish(name, await this.send(name, input));
    }
    return this.finish(name, res);
  }

  /** Posts one command; a read is posted again when the request failed on the way. */
  private async send<C extends CommandName>(name: C, input: CommandInput<C>): Promise<Response> {
    let res: Response | null = null;
    // A read is asked again when the request failed on the way (a link going up or down on this machine makes a
    // browser fail its requests in flight: net::ERR_NETWORK_CHANGED); a command that changes something never is.
    const delays = isRead(name) ? READ_RETRY_MS : [];
    for (let attempt = 0; res === null; attempt += 1) {
      try {
        res = await fetch(`api/call/${encodeURIComponent(name)}`, {
          method: 'POST',
          credentials: 'omit',
          headers: { 'Content-Type': 'application/json', ...this.authHeaders() },
          body: JSON.stringify(input ?? {}),
        });
      } catch {
        const delay = delays[attempt];
        if (delay === undefined) throw new ClientApiError('io-error', 'The station does not answer', 'Is `walt-bench station` still running?');
        await new Promise((r) => setTimeout(r, delay));
      }
    }
    return res;
  }

  /** The command's result from its response, or the error it carries. */
  private async finish<C extends CommandName>(name: C, res: Response): Promise<CommandOutput<C>> {
    const body = await readJson(res);
    if (res.ok && isOkEnvelope(body)) return parseCommandOutput(name, body.result);
    if (res.status === 401) this.refuse();
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
    url.search = '';
    url.hash = '';
    let ws: WebSocket;
    try {
      ws = new WebSocket(url.toString(), [EVENTS_PROTOCOL, `token.${this.token ?? ''}`]);
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
      // a frame holds one event, or the events of one server tick in order (one task here, one render)
      for (const msg of parseEventFrame(raw)) this.listeners.deliver(msg);
    };
    ws.onclose = () => {
      if (this.socket === ws) this.socket = null;
      if (this.closed || this.isRefused()) return;
      this.connection.set('down');
      void this.probeThenReconnect();
    };
  }

  /** After a closed socket: ask whether the station still takes the token (a browser hides the upgrade's 401). */
  private async probeThenReconnect(): Promise<void> {
    // the same request renews this page's id when the station restarted (it forgot the ids it had issued)
    const asked = this.askSession();
    this.session = asked.then(() => undefined);
    if ((await asked) === 401) {
      this.refuse();
      return;
    }
    this.scheduleReconnect();
  }

  private isRefused(): boolean {
    const s = this.connection.get();
    return s === 'refused' || s === 'no-token';
  }

  /** The station no longer takes this tab's token: stop retrying, the page says to open the new URL. */
  private refuse(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.connection.get() !== 'no-token') this.connection.set('refused');
    this.socket?.close();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.isRefused()) return;
    const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)] ?? 8000;
    this.attempt += 1;
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }
}

/** Waits before asking a read again after a failed request (then it gives up: the station is not there). */
const READ_RETRY_MS = [100, 400, 1200];

/** Commands that only read (asking again changes nothing): lists, statuses, gets, reads, searches. */
export function isRead(name: string): boolean {
  return /\.(get|list|status|sessions|interfaces|info|about|read|search|rackStatus|inspect)$/.test(name);
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
      'Open the URL (ending with #token=...) that `walt-bench station` printed when it started',
    );
  }
  return new ClientApiError('internal', `The station answered HTTP ${res.status} ${res.statusText}`.trim());
}

/** The form of an id the station issues. */
const ISSUED_ID = /^c-[0-9a-f]{24}$/;

/** The id the station issued to this tab earlier (sessionStorage: a reload stays the same client and may change its job). */
function keptPageId(): string | null {
  try {
    const kept = sessionStorage.getItem('wb_client');
    return kept && ISSUED_ID.test(kept) ? kept : null;
  } catch {
    return null; // storage refused: this load is its own client
  }
}

function keepPageId(id: string): void {
  try {
    sessionStorage.setItem('wb_client', id);
  } catch {
    // storage refused: this load is its own client
  }
}
