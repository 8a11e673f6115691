import { type ClientIdentity, identify, isRaspberryPiMac } from '../walt/vci.js';
import type { DhcpPacket, DhcpPacketToWrite } from './dhcp.js';
import { type OptionsToWrite } from './dhcp-options.js';
import { textBytes } from './bytes.js';
import { LeasePool } from './dhcp-leases.js';
import { KeyedRateLimit, TokenBucket } from './rate-limit.js';

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
  /** How long an OFFER holds its address without a REQUEST (default 4 s). */
  offerSeconds?: number;
  /** How long a DECLINEd address stays out of the pool (default 60 s). */
  declineSeconds?: number;
  /** Answers per MAC: per second and burst (default 4/s, burst 8: a board's DISCOVER, REQUEST and retries). */
  perMacPerSecond?: number;
  perMacBurst?: number;
}

/** How the bench dropped or ignored a client packet. */
export type DropReason = 'ignored' | 'malformed' | 'rate-limited' | 'range-full';

/** Why the bench answered a client, or why it stayed silent. */
export type ReplyDecision =
  | { answer: true; identity: ClientIdentity; reply: DhcpPacketToWrite; bootFile: string }
  | { answer: false; identity: ClientIdentity | null; reason: string; drop: DropReason };

/** The file a WalT server names in its answer, by bootloader. */
function bootFileFor(identity: ClientIdentity): string {
  if (identity.kind === 'rpi-firmware') return 'start4.elf';
  return identity.model?.startsWith('pc-') ? 'start.ipxe' : 'start.uboot';
}

/** Why a client hardware address cannot be answered, or null for a unicast Ethernet MAC. */
export function badHardwareAddress(p: Pick<DhcpPacket, 'htype' | 'hlen' | 'chaddr'>): string | null {
  if (p.htype !== 1 || p.hlen !== 6) return `hardware type ${p.htype} length ${p.hlen}, not an Ethernet MAC (type 1, length 6)`;
  const first = parseInt(p.chaddr.slice(0, 2), 16);
  if (p.chaddr === '00:00:00:00:00:00') return 'client MAC 00:00:00:00:00:00';
  if (first & 1) return `client MAC ${p.chaddr} is a multicast/broadcast address`;
  return null;
}

/**
 * The bench DHCP server's state and rules, pure on an injected clock: the lease pool, a per-MAC answer limit and a
 * per-second limit on new clients. The new-client rate is derived from the pool so that DISCOVERs alone (with offers
 * expiring after `offerSeconds`) never hold more than about half the range: a flood of random MACs cannot fill it.
 */
export class BenchDhcp {
  readonly pool: LeasePool;
  private readonly perMac: KeyedRateLimit;
  private readonly newClients: TokenBucket;

  constructor(readonly config: BenchDhcpConfig) {
    const offerS = config.offerSeconds ?? 4;
    this.pool = new LeasePool(
      { start: config.rangeStart, end: config.rangeEnd, serverIp: config.serverIp },
      { offerMs: offerS * 1000, leaseMs: config.leaseSeconds * 1000, declineMs: (config.declineSeconds ?? 60) * 1000 },
    );
    this.perMac = new KeyedRateLimit(config.perMacPerSecond ?? 4, config.perMacBurst ?? 8, 1024);
    const rate = Math.max(1, Math.floor(this.pool.size / (2 * (offerS + 1))));
    this.newClients = new TokenBucket(rate, rate);
  }

  /** New clients (MACs without an offer or lease) offered an address per second, at most. */
  get newClientsPerSecond(): number {
    return this.newClients.perSecond;
  }

  /**
   * Decides the answer to one DHCP packet at `now` (monotonic ms). It answers ONLY WalT bootloaders (VCI or UCI
   * starting with walt.node.) and, when enabled, Raspberry Pi firmware PXE requests from Raspberry Pi MACs; every other
   * client, every reply and every malformed request is left unanswered, with the reason. DECLINE and RELEASE from
   * the MAC holding an address give it back.
   */
  decide(p: DhcpPacket, now: number): ReplyDecision {
    const config = this.config;
    if (p.op !== 'request' || !p.isDhcp) return { answer: false, identity: null, reason: 'not a DHCP request', drop: 'ignored' };
    const bad = badHardwareAddress(p);
    if (bad) return { answer: false, identity: null, reason: bad, drop: 'malformed' };
    const type = p.options.messageType;
    const identity = identify(p.options.vendorClass, p.options.userClass, p.chaddr);
    if (type === 'RELEASE' || type === 'DECLINE') {
      const ip = type === 'RELEASE' ? p.ciaddr : (p.options.requestedIp ?? '');
      if (p.options.serverId !== undefined && p.options.serverId !== config.serverIp) {
        return { answer: false, identity, reason: `${type} for another server (${p.options.serverId})`, drop: 'ignored' };
      }
      const done = type === 'RELEASE' ? this.pool.releaseBy(p.chaddr, ip, now) : this.pool.declineBy(p.chaddr, ip, now);
      return {
        answer: false,
        identity,
        reason: done ? `${type}: ${ip} ${type === 'RELEASE' ? 'freed' : 'freed and held back (another host uses it)'}` : `${type} of ${ip || 'no address'}, which this MAC does not hold`,
        drop: 'ignored',
      };
    }
    const isWalt = identity.kind === 'walt';
    const isPiFirmware = identity.kind === 'rpi-firmware' && config.answerRpiFirmware && isRaspberryPiMac(p.chaddr);
    if (!isWalt && !isPiFirmware) {
      return { answer: false, identity, reason: `not a WalT bootloader (${identity.value ?? 'no vendor/user class'})`, drop: 'ignored' };
    }
    if (type !== 'DISCOVER' && type !== 'REQUEST') return { answer: false, identity, reason: `${type ?? 'untyped'} needs no answer`, drop: 'ignored' };
    if (type === 'REQUEST' && p.options.serverId && p.options.serverId !== config.serverIp) {
      this.pool.withdrawOffer(p.chaddr, now);
      return { answer: false, identity, reason: `the client chose another server (${p.options.serverId})`, drop: 'ignored' };
    }
    if (!this.perMac.take(p.chaddr, now)) {
      return { answer: false, identity, reason: `${p.chaddr} sends faster than ${this.perMac.perSecond} requests/s`, drop: 'rate-limited' };
    }
    const bootFile = bootFileFor(identity);
    const base = { op: 'reply' as const, xid: p.xid, chaddr: p.chaddr, broadcast: p.broadcast, giaddr: p.giaddr };
    if (type === 'DISCOVER') {
      const known = this.pool.bindingOf(p.chaddr, now);
      if (!known && !this.newClients.take(now)) {
        return { answer: false, identity, reason: `more than ${this.newClients.perSecond} new clients/s: ${p.chaddr} waits (it retransmits)`, drop: 'rate-limited' };
      }
      const offered = this.pool.offer(p.chaddr, now, p.options.requestedIp);
      if (!offered) {
        const c = this.pool.counts(now);
        return { answer: false, identity, reason: `the bench range is full (${c.bound} leased, ${c.declined} declined)`, drop: 'range-full' };
      }
      return { answer: true, identity, bootFile, reply: { ...base, yiaddr: offered.ip, siaddr: config.serverIp, file: bootFile, options: this.grant('OFFER', bootFile, isPiFirmware, p) } };
    }
    // REQUEST: selecting (server id + requested ip), init-reboot (requested ip), renewing/rebinding (ciaddr).
    const wanted = p.options.requestedIp ?? (p.ciaddr !== '0.0.0.0' ? p.ciaddr : null);
    const nak = (why: string): ReplyDecision => ({
      answer: true,
      identity,
      bootFile,
      reply: { ...base, yiaddr: '0.0.0.0', siaddr: '0.0.0.0', file: '', options: { messageType: 'NAK', serverId: config.serverIp, extra: [[56, textBytes(why)]] } },
    });
    if (wanted === null) return nak('a REQUEST must name an address (option 50 or ciaddr)');
    if (!this.pool.bind(p.chaddr, wanted, now)) {
      return nak(this.pool.has(wanted) ? `${wanted} was not offered to ${p.chaddr}` : `${wanted} is not in the bench range ${config.rangeStart}-${config.rangeEnd}`);
    }
    return { answer: true, identity, bootFile, reply: { ...base, yiaddr: wanted, siaddr: config.serverIp, file: bootFile, options: this.grant('ACK', bootFile, isPiFirmware, p) } };
  }

  private grant(messageType: 'OFFER' | 'ACK', bootFile: string, isPiFirmware: boolean, p: DhcpPacket): OptionsToWrite {
    const lease = this.config.leaseSeconds;
    return {
      messageType,
      serverId: this.config.serverIp,
      leaseTime: lease,
      subnetMask: this.config.subnetMask,
      tftpServerName: this.config.serverIp,
      bootfileName: bootFile,
      domainName: 'walt',
      ...(isPiFirmware ? { vendorClass: 'PXEClient', vendorSpecific: rpiVendorOptions() } : {}),
      // iPXE: do not wait 3 s for a ProxyDHCP answer (its no-pxedhcp setting, 175.176 = 1).
      ...(p.options.ipxe ? { ipxe: new Map([[176, Uint8Array.of(1)]]) } : {}),
      // Renewal (T1) and rebinding (T2) times, RFC 2131's defaults: half and seven eighths of the lease.
      extra: [
        [58, u32(Math.floor(lease / 2))],
        [59, u32(Math.floor((lease * 7) / 8))],
      ],
    };
  }
}

function u32(n: number): Uint8Array {
  return Uint8Array.of((n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
}

/** Option 43 as the Raspberry Pi firmware wants it: PXE menu with "Raspberry Pi Boot" (what WalT's server sends). */
function rpiVendorOptions(): Uint8Array {
  const text = textBytes('Raspberry Pi Boot   ');
  // Sub-option 9 (PXE boot menu): type 0, description; sub-option 10 (prompt): timeout 0, text; 255 end.
  const menu = [9, text.length + 3, 0, 0, text.length, ...text];
  const prompt = [10, 4, 0, ...textBytes('PXE')];
  return Uint8Array.from([6, 1, 3, ...menu, ...prompt, 255]);
}
