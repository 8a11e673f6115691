import type { Loader } from './boot-event.js';

/** What the line rules remember between lines of one boot attempt (reset at every new cycle). */
export interface ClassifierContext {
  /** Loaders whose banner (or typical lines) were seen in this attempt. */
  loaders: Set<Loader>;
  /** The file of the transfer in progress (U-Boot prints the size without the name). */
  file: string | null;
  /** The server of the transfer in progress. */
  server: string | null;
  /** Whether an Ethernet link was seen up in this attempt. */
  linkUp: boolean;
  /** Whether an address was bound in this attempt. */
  bound: boolean;
  /** The UEFI PXE ROM's announced NBP size. */
  nbpSize: number | null;
  /** What the network was doing last: `Retry count exceeded` means DHCP after BOOTP, TFTP after a transfer. */
  phase: 'none' | 'dhcp' | 'tftp';
  /** Why the link failed in this attempt (PHY timeout, no link), or null: later DHCP/ARP failures stem from it. */
  linkFailed: string | null;
  /** Whether Linux is running in this attempt (walt-init lines count only then). */
  linux: boolean;
  /** Raspberry Pi EEPROM: the UDP receive counter of the last `RX:` line, and its value at the last `TFTP_GET`. */
  rx: number;
  rxAtGet: number;
  /** `ARP` lines seen since the last `TFTP_GET` with no packet received: the transfer stalls. */
  arpSinceGet: number;
  /** A `TFTP_GET` whose transfer may still stall (cleared once reported). */
  getPending: boolean;
  /** Pi 1-3 bootcode.bin: DHCP requests sent without an answer in this attempt. */
  dhcpWaits: number;
}

/** A fresh context for a new boot attempt. */
export function newContext(): ClassifierContext {
  return {
    loaders: new Set(),
    file: null,
    server: null,
    linkUp: false,
    bound: false,
    nbpSize: null,
    phase: 'none',
    linkFailed: null,
    linux: false,
    rx: -1,
    rxAtGet: -1,
    arpSinceGet: 0,
    getPending: false,
    dhcpWaits: 0,
  };
}

/** An IPv4 address in text. */
export const IPV4 = '\\d{1,3}(?:\\.\\d{1,3}){3}';
/** A MAC address in text. */
export const MAC = '[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}';
