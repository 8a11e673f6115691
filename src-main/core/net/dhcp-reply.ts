import { type ClientIdentity, identify, isRaspberryPiMac } from '../walt/vci.js';
import type { DhcpPacket, DhcpPacketToWrite } from './dhcp.js';
import { textBytes } from './bytes.js';

/** How the bench DHCP server is set up on its one interface. */
export interface BenchDhcpConfig {
  /** The server's address on the desk link (next-server, server id, TFTP server). */
  serverIp: string;
  subnetMask: string;
  /** First and last address of the small bench range. */
  rangeStart: string;
  rangeEnd: string;
  leaseSeconds: number;
  /** Also answer Raspberry Pi 4/5 EEPROM firmware PXE requests (from Raspberry Pi MACs). */
  answerRpiFirmware: boolean;
}

/** The bench's leases: MAC -> address, handed out from the range, stable for a MAC. */
export interface LeaseTable {
  byMac: Map<string, string>;
}

function ipNumber(ip: string): number {
  return ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);
}

function ipOf(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

/** The address for a MAC: its lease, or the first free one in the range; null when the range is full. */
export function leaseFor(table: LeaseTable, mac: string, config: BenchDhcpConfig): string | null {
  const known = table.byMac.get(mac);
  if (known) return known;
  const used = new Set(table.byMac.values());
  for (let n = ipNumber(config.rangeStart); n <= ipNumber(config.rangeEnd); n += 1) {
    const ip = ipOf(n);
    if (ip !== config.serverIp && !used.has(ip)) {
      table.byMac.set(mac, ip);
      return ip;
    }
  }
  return null;
}

/** Why the bench answered a client, or why it stayed silent. */
export type ReplyDecision =
  | { answer: true; identity: ClientIdentity; reply: DhcpPacketToWrite; bootFile: string }
  | { answer: false; identity: ClientIdentity | null; reason: string };

/** The file a WalT server names in its answer, by bootloader. */
function bootFileFor(identity: ClientIdentity): string {
  if (identity.kind === 'rpi-firmware') return 'start4.elf';
  return identity.model?.startsWith('pc-') ? 'start.ipxe' : 'start.uboot';
}

/**
 * Decides the bench server's answer to one DHCP packet. It answers ONLY WalT bootloaders (VCI or UCI starting with
 * walt.node.) and, when enabled, Raspberry Pi firmware PXE requests from Raspberry Pi MACs; every other client,
 * every reply and every malformed request is ignored, with the reason.
 */
export function decideReply(p: DhcpPacket, config: BenchDhcpConfig, leases: LeaseTable): ReplyDecision {
  if (p.op !== 'request' || !p.isDhcp) return { answer: false, identity: null, reason: 'not a DHCP request' };
  const type = p.options.messageType;
  const identity = identify(p.options.vendorClass, p.options.userClass, p.chaddr);
  const isWalt = identity.kind === 'walt';
  const isPiFirmware = identity.kind === 'rpi-firmware' && config.answerRpiFirmware && isRaspberryPiMac(p.chaddr);
  if (!isWalt && !isPiFirmware) {
    return { answer: false, identity, reason: `not a WalT bootloader (${identity.value ?? 'no vendor/user class'})` };
  }
  if (type !== 'DISCOVER' && type !== 'REQUEST') return { answer: false, identity, reason: `${type ?? 'untyped'} needs no answer` };
  if (type === 'REQUEST' && p.options.serverId && p.options.serverId !== config.serverIp) {
    return { answer: false, identity, reason: `the client chose another server (${p.options.serverId})` };
  }
  const ip = leaseFor(leases, p.chaddr, config);
  if (ip === null) return { answer: false, identity, reason: 'the bench range is full' };
  const requested = p.options.requestedIp ?? (p.ciaddr !== '0.0.0.0' ? p.ciaddr : null);
  const nak = type === 'REQUEST' && requested !== null && requested !== ip;
  const bootFile = bootFileFor(identity);
  const reply: DhcpPacketToWrite = {
    op: 'reply',
    xid: p.xid,
    chaddr: p.chaddr,
    broadcast: p.broadcast,
    giaddr: p.giaddr,
    yiaddr: nak ? '0.0.0.0' : ip,
    siaddr: nak ? '0.0.0.0' : config.serverIp,
    file: nak ? '' : bootFile,
    options: nak
      ? { messageType: 'NAK', serverId: config.serverIp }
      : {
          messageType: type === 'DISCOVER' ? 'OFFER' : 'ACK',
          serverId: config.serverIp,
          leaseTime: config.leaseSeconds,
          subnetMask: config.subnetMask,
          tftpServerName: config.serverIp,
          bootfileName: bootFile,
          domainName: 'walt',
          ...(isPiFirmware ? { vendorClass: 'PXEClient', vendorSpecific: rpiVendorOptions() } : {}),
          // iPXE: do not wait 3 s for a ProxyDHCP answer (its no-pxedhcp setting, 175.176 = 1).
          ...(p.options.ipxe ? { ipxe: new Map([[176, Uint8Array.of(1)]]) } : {}),
        },
  };
  return { answer: true, identity, reply, bootFile };
}

/** Option 43 as the Raspberry Pi firmware wants it: PXE menu with "Raspberry Pi Boot" (what WalT's server sends). */
function rpiVendorOptions(): Uint8Array {
  const text = textBytes('Raspberry Pi Boot   ');
  // Sub-option 9 (PXE boot menu): type 0, description; sub-option 10 (prompt): timeout 0, text; 255 end.
  const menu = [9, text.length + 3, 0, 0, text.length, ...text];
  const prompt = [10, 4, 0, ...textBytes('PXE')];
  return Uint8Array.from([6, 1, 3, ...menu, ...prompt, 255]);
}
