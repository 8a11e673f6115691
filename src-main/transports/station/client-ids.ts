import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The header a page names itself with. */
export const CLIENT_HEADER = 'x-walt-client';

/** An id the station issued (GET /api/session): `c-` and 24 hex digits. */
const ISSUED = /^c-[0-9a-f]{24}$/;
/** Ids kept at most (the oldest are forgotten first; a page whose id was forgotten asks for a new one). */
const MAX_IDS = 10_000;

/**
 * The page ids of one station, issued by the station itself: GET /api/session hands a page a random id, bound to
 * the address it was issued to. A request naming an issued id from another address, or an id this station never
 * issued (a page cannot pick its own), is anonymous. Other watchers never see an id: the service shows a keyed label
 * (services/station/client-label.ts), so no one can act as another page by copying what it was shown.
 */
export class ClientIds {
  private readonly issued = new Map<string, string>();

  /** A new id for a page at `address`. */
  issue(address: string): string {
    const id = `c-${randomBytes(12).toString('hex')}`;
    this.issued.set(id, address);
    if (this.issued.size > MAX_IDS) this.issued.delete(this.issued.keys().next().value!);
    return id;
  }

  /**
   * The id for the page asking GET /api/session: the one it already holds when this station issued it to the same
   * address (a reload stays the same client), else a new one (a station restart forgets every id).
   */
  sessionOf(req: IncomingMessage): string {
    const address = req.socket.remoteAddress ?? '?';
    const header = req.headers[CLIENT_HEADER];
    if (typeof header === 'string' && ISSUED.test(header) && this.issued.get(header) === address) return header;
    return this.issue(address);
  }

  /**
   * True when the request names a page id this station did not issue to its address (a page of a station that has
   * restarted since, or one that made its id up): such a page must ask GET /api/session again, never act as `anon`.
   */
  namesUnknown(req: IncomingMessage): boolean {
    const header = req.headers[CLIENT_HEADER];
    if (typeof header !== 'string' || header === '') return false;
    return !(ISSUED.test(header) && this.issued.get(header) === (req.socket.remoteAddress ?? '?'));
  }

  /** The client a request comes from: `station <remote address> <page id>` (`anon` when it names none it may use). */
  callerOf(req: IncomingMessage): string {
    const address = req.socket.remoteAddress ?? '?';
    const header = req.headers[CLIENT_HEADER];
    let page = 'anon';
    if (typeof header === 'string') {
      if (ISSUED.test(header) && this.issued.get(header) === address) page = header;
    }
    return `station ${address} ${page}`;
  }
}
