/** What the boot check learns from the network and the console (structural: the services' events fit these). */

/** A DHCP packet seen on the desk link. */
export interface DhcpSeen {
  at: number;
  mac: string;
  type: string;
  direction: 'client' | 'server';
  vendorClass: string | null;
  userClass: string[] | null;
  serverId: string | null;
  yourIp: string | null;
  bootFile: string | null;
}

/** A TFTP request seen (served by the bench). */
export interface TftpSeen {
  at: number;
  clientIp: string;
  filename: string;
  result: 'started' | 'complete' | 'not-found' | 'refused' | 'timeout' | 'error';
  bytes: number;
  size: number | null;
  message: string | null;
  servedFrom: string | null;
}

/** A console fact relevant to the check (a subset of the boot analyzer's events). */
export type ConsoleSeen =
  | { at: number; kind: 'dhcp-bound'; ip: string | null }
  | { at: number; kind: 'tftp-file'; file: string }
  | { at: number; kind: 'tftp-done'; file: string | null; bytes: number | null }
  | { at: number; kind: 'tftp-error'; message: string; notFound: boolean }
  | { at: number; kind: 'script-exec' }
  | { at: number; kind: 'script-error'; message: string }
  | { at: number; kind: 'probe'; model: string | null; vci: string | null; mac: string | null; ip: string | null }
  | { at: number; kind: 'reset' };
