import type { IncomingMessage } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';

/** Who the station is on the network: its scheme, its port, and the host names it answers to. */
export interface StationIdentity {
  scheme: 'http' | 'https';
  port: number;
  /** Lower-case host names and addresses (IPv6 in brackets, as in a Host header). */
  names: ReadonlySet<string>;
}

/** True for an address that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** True for "every interface" (0.0.0.0, ::). */
export function isWildcardHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === '0.0.0.0' || h === '::';
}

function bracketed(address: string): string {
  return address.includes(':') ? `[${address.toLowerCase()}]` : address.toLowerCase();
}

/**
 * The names a Host header may carry (the DNS-rebinding guard): 127.0.0.1, localhost, [::1], the configured host, and
 * for a wildcard bind every address of this machine and its host name.
 */
export function allowedHostNames(bindHost: string, extra: readonly string[] = []): Set<string> {
  const names = new Set<string>(['127.0.0.1', 'localhost', '[::1]']);
  if (isWildcardHost(bindHost)) {
    for (const list of Object.values(networkInterfaces())) {
      for (const a of list ?? []) names.add(bracketed(a.address));
    }
    names.add(hostname().toLowerCase());
  } else {
    names.add(bracketed(bindHost.replace(/^\[|\]$/g, '')));
  }
  for (const e of extra) names.add(bracketed(e));
  return names;
}

function defaultPort(scheme: 'http' | 'https'): number {
  return scheme === 'https' ? 443 : 80;
}

/** True when `host[:port]` (a Host header, or an Origin's host) names this station. */
function namesStation(authority: string, scheme: 'http' | 'https', id: StationIdentity): boolean {
  if (!/^[A-Za-z0-9.\-:[\]]+$/.test(authority)) return false;
  let u: URL;
  try {
    u = new URL(`${scheme}://${authority}`);
  } catch {
    return false;
  }
  const port = u.port === '' ? defaultPort(scheme) : Number(u.port);
  return port === id.port && id.names.has(u.hostname.toLowerCase());
}

/** True when the request's Host header names this station (else: a rebound DNS name, answer 421). */
export function hostAllowed(req: IncomingMessage, id: StationIdentity): boolean {
  const host = req.headers.host;
  return typeof host === 'string' && namesStation(host, id.scheme, id);
}

/** True when the request's Origin (if any) is the station's own origin: no other page may drive it. */
export function originAllowed(req: IncomingMessage, id: StationIdentity): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return false;
  }
  return u.protocol === `${id.scheme}:` && u.origin === origin && namesStation(u.host, id.scheme, id);
}

/** The station's own origin as this request names it (call only after hostAllowed). */
export function ownOrigin(req: IncomingMessage, id: StationIdentity): string {
  return `${id.scheme}://${(req.headers.host ?? '').toLowerCase()}`;
}
