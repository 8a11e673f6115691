/**
 * The bench's address pool, on an injected clock: an OFFER reserves an address for a few seconds only, a REQUEST
 * binds it for the lease time, leases expire, DECLINE and RELEASE give addresses back. State is one slot per
 * address of the range (bounded by the range) and an index by MAC of the same size.
 */

/** What a slot of the range is doing. */
export type SlotState = 'free' | 'offered' | 'bound' | 'declined';

interface Slot {
  ip: string;
  state: SlotState;
  /** The MAC holding the offer or lease (null when free or declined). */
  mac: string | null;
  /** The last MAC that held it: a board coming back gets its address again while nobody else took it. */
  lastMac: string | null;
  /** Monotonic ms when the offer, lease or decline hold ends. */
  until: number;
  /** Monotonic ms of the last change (the least recently used free address is handed out first). */
  changed: number;
}

/** Timings of the pool, in ms. */
export interface PoolTimings {
  /** How long an OFFER holds its address without a REQUEST. */
  offerMs: number;
  /** Lease time (also given to the client in option 51). */
  leaseMs: number;
  /** How long a DECLINEd address stays out of the pool (another host uses it). */
  declineMs: number;
}

/** The largest range the pool accepts (the bench range is 100 addresses at most). */
export const MAX_POOL = 1024;

function ipNumber(ip: string): number {
  return ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);
}

function ipOf(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

/** Counts of the pool's slots by state. */
export type PoolCounts = Record<SlotState, number>;

/** The lease pool of the bench's range. */
export class LeasePool {
  private readonly slots: Slot[] = [];
  private readonly byIp = new Map<string, Slot>();
  private readonly byMac = new Map<string, Slot>();

  constructor(
    range: { start: string; end: string; serverIp: string },
    readonly timings: PoolTimings,
  ) {
    const first = ipNumber(range.start);
    const last = ipNumber(range.end);
    if (!(last >= first) || last - first + 1 > MAX_POOL) {
      throw new Error(`the bench range ${range.start}-${range.end} must hold 1 to ${MAX_POOL} addresses`);
    }
    for (let n = first; n <= last; n += 1) {
      const ip = ipOf(n);
      if (ip === range.serverIp) continue;
      const slot: Slot = { ip, state: 'free', mac: null, lastMac: null, until: 0, changed: -Infinity };
      this.slots.push(slot);
      this.byIp.set(ip, slot);
    }
  }

  /** Number of addresses in the pool. */
  get size(): number {
    return this.slots.length;
  }

  /** True when the address is one of the pool's. */
  has(ip: string): boolean {
    return this.byIp.has(ip);
  }

  /** The MAC's current offer or lease at `now`, or null. */
  bindingOf(mac: string, now: number): { ip: string; state: 'offered' | 'bound'; until: number } | null {
    this.expire(now);
    const slot = this.byMac.get(mac);
    return slot && (slot.state === 'offered' || slot.state === 'bound') ? { ip: slot.ip, state: slot.state, until: slot.until } : null;
  }

  /**
   * Reserves an address for an OFFER: the MAC's own offer or lease (same address on a re-DISCOVER), else the address
   * it asks for if free, else the free address it held last, else a never used one, else the least recently used
   * free one, else (range full) the oldest pending offer of another MAC is taken back. Null when every address is
   * bound or declined.
   */
  offer(mac: string, now: number, requestedIp?: string): { ip: string; evicted: string | null } | null {
    this.expire(now);
    const own = this.byMac.get(mac);
    if (own) {
      if (own.state === 'offered') own.until = now + this.timings.offerMs;
      return { ip: own.ip, evicted: null };
    }
    const free = this.slots.filter((s) => s.state === 'free');
    const requested = requestedIp ? this.byIp.get(requestedIp) : undefined;
    let slot: Slot | undefined =
      (requested?.state === 'free' && (requested.lastMac === null || requested.lastMac === mac) ? requested : undefined) ??
      free.find((s) => s.lastMac === mac) ??
      free.find((s) => s.lastMac === null) ??
      free.reduce<Slot | undefined>((a, s) => (a === undefined || s.changed < a.changed ? s : a), undefined);
    let evicted: string | null = null;
    if (!slot) {
      slot = this.slots.filter((s) => s.state === 'offered').reduce<Slot | undefined>((a, s) => (a === undefined || s.changed < a.changed ? s : a), undefined);
      if (!slot) return null;
      evicted = slot.mac;
      this.release(slot, now);
    }
    this.take(slot, mac, 'offered', now + this.timings.offerMs, now);
    return { ip: slot.ip, evicted };
  }

  /**
   * Binds (ACK) the MAC's offered or leased address `ip` for the lease time (also an offer that just expired while
   * nobody took the address); false when the bench did not give this MAC that address.
   */
  bind(mac: string, ip: string, now: number): boolean {
    this.expire(now);
    let slot = this.byMac.get(mac);
    if (!slot) {
      const lapsed = this.byIp.get(ip);
      if (lapsed?.state === 'free' && lapsed.lastMac === mac) slot = lapsed;
    }
    if (!slot || slot.ip !== ip) return false;
    this.take(slot, mac, 'bound', now + this.timings.leaseMs, now);
    return true;
  }

  /** RELEASE: the MAC gives back `ip` (ignored unless it holds it). */
  releaseBy(mac: string, ip: string, now: number): boolean {
    this.expire(now);
    const slot = this.byMac.get(mac);
    if (!slot || slot.ip !== ip) return false;
    this.release(slot, now);
    return true;
  }

  /** The client chose another server (REQUEST with another server id): its pending offer is given back. */
  withdrawOffer(mac: string, now: number): boolean {
    this.expire(now);
    const slot = this.byMac.get(mac);
    if (!slot || slot.state !== 'offered') return false;
    this.release(slot, now);
    return true;
  }

  /** DECLINE: the MAC found `ip` used by another host; it leaves the pool for the decline hold. */
  declineBy(mac: string, ip: string, now: number): boolean {
    this.expire(now);
    const slot = this.byMac.get(mac);
    if (!slot || slot.ip !== ip) return false;
    this.release(slot, now);
    slot.state = 'declined';
    slot.until = now + this.timings.declineMs;
    slot.lastMac = null;
    return true;
  }

  /** How many slots are in each state at `now`. */
  counts(now: number): PoolCounts {
    this.expire(now);
    const c: PoolCounts = { free: 0, offered: 0, bound: 0, declined: 0 };
    for (const s of this.slots) c[s.state] += 1;
    return c;
  }

  /** Number of MACs the pool remembers a binding for (never more than its size). */
  get macsHeld(): number {
    return this.byMac.size;
  }

  private take(slot: Slot, mac: string, state: 'offered' | 'bound', until: number, now: number): void {
    slot.state = state;
    slot.mac = mac;
    slot.lastMac = mac;
    slot.until = until;
    slot.changed = now;
    this.byMac.set(mac, slot);
  }

  private release(slot: Slot, now: number): void {
    if (slot.mac !== null && this.byMac.get(slot.mac) === slot) this.byMac.delete(slot.mac);
    slot.state = 'free';
    slot.mac = null;
    slot.until = 0;
    slot.changed = now;
  }

  private expire(now: number): void {
    for (const s of this.slots) if (s.state !== 'free' && s.until <= now) this.release(s, now);
  }
}
