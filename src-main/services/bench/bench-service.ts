import type { Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { ApiError } from '../../api/errors.js';
import type { RemoteInfo } from 'node:dgram';
import { macText, PacketError } from '../../core/net/bytes.js';
import { type DhcpPacket, decodeDhcp, encodeDhcp } from '../../core/net/dhcp.js';
import { OfferFollowUp } from '../../core/net/offer-follow-up.js';
import { BenchDhcp, type BenchDhcpConfig } from '../../core/net/dhcp-reply.js';
import { warmDhcpPath } from '../../core/net/dhcp-warm-up.js';
import { type DropKind, type DropSummary, DropTally } from '../../core/net/drop-tally.js';
import { TokenBucket } from '../../core/net/rate-limit.js';
import { identify } from '../../core/walt/vci.js';
import { benchRange, type DeskLink, deskLink } from './net-interface.js';
import { captureDhcp, type DhcpCapture } from './capture.js';
import { findOtherDhcpServer } from './rogue-probe.js';
import { BenchTftpServer, type TftpEvent } from './tftp-server.js';
import { bindUdp, sendUdp } from './udp.js';

/** One DHCP packet seen on the link, as the technician reads it. */
export interface DhcpSighting {
  /** Monotonic ms when the packet arrived. */
  at: number;
  time: string;
  mac: string;
  xid: number;
  type: string;
  direction: 'client' | 'server';
  vendorClass: string | null;
  userClass: string[] | null;
  clientArch: number[] | null;
  requestedOptions: number[] | null;
  hostname: string | null;
  /** For server packets: which server answered and what it offered. */
  serverId: string | null;
  yourIp: string | null;
  nextServer: string | null;
  bootFile: string | null;
  /** For client packets seen by a serving bench: whether it answered and why (not). */
  answered: boolean | null;
  reason: string | null;
  /** The model the packet names (walt.node.<model>), if any. */
  model: string | null;
}

/** How the bench runs. */
export interface BenchOptions {
  iface: string;
  mode: 'observe' | 'serve';
  /** A walt image's root filesystem to serve (serve mode); null serves the probe scripts. */
  root: string | null;
  answerRpiFirmware?: boolean;
  /** How long to listen for another DHCP server before serving (ms). */
  probeMs?: number;
  now?: () => number;
  /** How often a summary of the dropped packets goes out as a status line, when some were (ms, default 10 s). */
  dropSummaryMs?: number;
  /** Lease time given to the boards (s, default 3600). */
  leaseSeconds?: number;
  /** How long an unanswered OFFER holds its address (s, default 4). */
  offerSeconds?: number;
}

/** Client packets shown as sightings per second when the bench does not answer them (a flood is counted instead). */
const SIGHTINGS_PER_SECOND = 50;

/** Events: 'dhcp' (DhcpSighting), 'tftp' (TftpEvent), 'status' (string). */
export class BenchService extends EventEmitter {
  private sockets: Socket[] = [];
  private tftp: BenchTftpServer | null = null;
  private capture: DhcpCapture | null = null;
  private dhcp: BenchDhcp | null = null;
  private readonly offers = new OfferFollowUp();
  private readonly modelsByIp = new Map<string, string>();
  private link: DeskLink | null = null;
  private readonly now: () => number;
  private readonly drops = new DropTally(64);
  private readonly sightings = new TokenBucket(SIGHTINGS_PER_SECOND, SIGHTINGS_PER_SECOND * 2);
  private unshownSightings = 0;
  private summaryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: BenchOptions) {
    super();
    this.now = options.now ?? (() => performance.now());
  }

  /** What was dropped so far (malformed packets and rate limits, per source). */
  dropped(): DropSummary {
    return this.drops.summary();
  }

  /** The desk link in use (after start). */
  get deskLink(): DeskLink | null {
    return this.link;
  }

  /**
   * Starts listening (observe) or serving (serve). Serving first probes the link for another DHCP server and
   * refuses to start if one answers: a technician must never become a rogue DHCP server on a lab network.
   */
  async start(): Promise<void> {
    const link = deskLink(this.options.iface);
    this.link = link;
    this.summaryTimer = setInterval(() => this.summarizeDrops(), this.options.dropSummaryMs ?? 10_000);
    this.summaryTimer.unref();
    if (!link.carrier) this.emit('status', `${link.name} has no carrier yet (cable unplugged or board off): waiting for the board`);
    if (this.options.mode === 'observe') {
      // Passive: a capture sees every DHCP packet on the link, the servers' unicast answers too; nothing is sent.
      this.capture = await captureDhcp(
        link.name,
        (d) => this.receive(d.payload, null, null, null),
        (message) => this.emit('status', message),
      );
      this.emit('status', `observing DHCP on ${link.name} (${link.ip}); answering nothing`);
      return;
    }
    const server = await bindUdp(67, '0.0.0.0', { broadcast: true });
    this.sockets.push(server);
    const client = await bindUdp(68, '0.0.0.0', { broadcast: true });
    this.sockets.push(client);
    for (const s of [server, client]) s.on('error', (e) => this.emit('status', `DHCP socket error (kept serving): ${e.message}`));
    this.emit('status', `probing ${link.name} for another DHCP server...`);
    const other = await findOtherDhcpServer(client, link, this.options.probeMs ?? 2000);
    if (other) {
      await this.stop();
      throw new ApiError(
        'refused',
        `another DHCP server answers on ${link.name} (${other.serverId ?? other.from} offered ${other.offered}): walt-bench will not serve DHCP there`,
        'to watch a board booting from that server, use --observe',
      );
    }
    const range = benchRange(link);
    const config: BenchDhcpConfig = {
      serverIp: link.ip,
      subnetMask: link.netmask,
      rangeStart: range.start,
      rangeEnd: range.end,
      leaseSeconds: this.options.leaseSeconds ?? 3600,
      offerSeconds: this.options.offerSeconds ?? 4,
      answerRpiFirmware: this.options.answerRpiFirmware ?? true,
    };
    this.dhcp = new BenchDhcp(config);
    // the first board's packets go through code compiled now, not on their path
    warmDhcpPath(config);
    server.on('message', (msg, rinfo) => this.receive(new Uint8Array(msg), rinfo, config, server));
    client.on('message', (msg, rinfo) => this.receive(new Uint8Array(msg), rinfo, config, null));
    this.tftp = new BenchTftpServer({
      address: link.ip,
      root: this.options.root,
      modelOf: (ip) => this.modelsByIp.get(ip) ?? null,
      onEvent: (e: TftpEvent) => this.safeEmit('tftp', e),
      onDrop: (kind, source, cause) => this.countDrop(kind, source, `TFTP: ${cause}`),
    });
    await this.tftp.start();
    this.emit(
      'status',
      `serving walt bootloaders on ${link.name} (${link.ip}, leases ${range.start}-${range.end} for ${config.leaseSeconds} s, ` +
        `offers held ${config.offerSeconds} s, at most ${this.dhcp.newClientsPerSecond} new boards/s, files: ${this.options.root ?? 'probe scripts'})`,
    );
  }

  /** Stops every socket and transfer. */
  async stop(): Promise<void> {
    if (this.summaryTimer) clearInterval(this.summaryTimer);
    this.summaryTimer = null;
    this.summarizeDrops();
    this.capture?.stop();
    this.capture = null;
    await this.tftp?.stop();
    this.tftp = null;
    for (const s of this.sockets) s.close();
    this.sockets = [];
  }

  /**
   * Every datagram enters here: whatever it holds and whatever goes wrong handling it, nothing escapes to end the
   * process. A malformed packet is counted and dropped (logged the first time its source sends one).
   */
  private receive(bytes: Uint8Array, rinfo: RemoteInfo | null, config: BenchDhcpConfig | null, answerOn: Socket | null): void {
    this.onPacket(bytes, rinfo, config, answerOn).catch((error: Error) =>
      this.countDrop('malformed', dhcpSource(bytes, rinfo), `DHCP packet not handled: ${error.message}`),
    );
  }

  private async onPacket(bytes: Uint8Array, rinfo: RemoteInfo | null, config: BenchDhcpConfig | null, answerOn: Socket | null): Promise<void> {
    const at = this.now();
    let p: DhcpPacket;
    try {
      p = decodeDhcp(bytes);
    } catch (error) {
      // Garbage: never answered, never reported as a client, counted.
      const cause = error instanceof PacketError ? error.message : `undecodable (${(error as Error).message})`;
      this.countDrop('malformed', dhcpSource(bytes, rinfo), `DHCP ${cause}`);
      return;
    }
    if (p.options.vendorClass === 'walt-bench.probe') return;
    if (p.op === 'request' && answerOn && config && this.dhcp) {
      if (p.options.messageType !== 'DISCOVER') this.offers.answered(p.chaddr);
      const decision = this.dhcp.decide(p, at);
      if (!decision.answer && (decision.drop === 'malformed' || decision.drop === 'rate-limited')) {
        const source = decision.drop === 'malformed' ? dhcpSource(bytes, rinfo) : decision.reason.startsWith('more than') ? 'new MACs' : p.chaddr;
        this.countDrop(decision.drop, source, `DHCP ${p.options.messageType ?? 'request'}: ${decision.reason}`);
        return;
      }
      if (!decision.answer && !this.sightings.take(at)) {
        this.unshownSightings += 1;
        return;
      }
      const sighting = this.describe(p, at);
      sighting.answered = decision.answer;
      sighting.reason = decision.answer ? `answered with ${decision.reply.options.messageType}` : decision.reason;
      // Reported before the answer goes out, so the client's packet always precedes our reply in the event stream.
      this.safeEmit('dhcp', sighting);
      if (decision.answer) {
        const type = decision.reply.options.messageType;
        if (decision.identity.model && type !== 'NAK') this.modelsByIp.set(decision.reply.yiaddr ?? '', decision.identity.model);
        // To the link's broadcast: the answer leaves by the desk link only (and reaches a client without an address).
        // (Not unicast with a neighbour entry: each entry set is a network change to a browser on this host, and the
        // app's own UI then fails its requests with ERR_NETWORK_CHANGED.)
        const sent = await sendUdp(answerOn, encodeDhcp(decision.reply), 68, this.link!.broadcast).then(
          () => true,
          (e: Error) => (this.emit('status', `could not answer ${p.chaddr}: ${e.message}`), false),
        );
        const ignored = sent && type === 'OFFER' ? this.offers.offered(p.chaddr, decision.reply.yiaddr ?? '') : null;
        if (ignored) this.emit('status', ignored);
      }
      return;
    }
    if (p.op === 'request' && !this.sightings.take(at)) {
      this.unshownSightings += 1;
      return;
    }
    this.safeEmit('dhcp', this.describe(p, at));
  }

  /** Counts a dropped packet; the first malformed one from a source is said at once, the rest go in the summaries. */
  private countDrop(kind: DropKind, source: string, cause: string): void {
    const { first } = this.drops.record(kind, source, cause, this.now());
    if (first && kind === 'malformed') {
      this.emit('status', `dropped a malformed packet from ${source}: ${cause} (further ones from ${source} are counted, not logged)`);
    }
  }

  /** One status line for the drops since the last one (none when nothing was dropped). */
  private summarizeDrops(): void {
    const news = this.drops.takeNews(5);
    const unshown = this.unshownSightings;
    this.unshownSightings = 0;
    if (!news && unshown === 0) return;
    const parts = [...(news?.lines ?? []), ...(news?.more ? [`${news.more} from other sources`] : [])];
    if (unshown > 0) parts.push(`${unshown} unanswered client packets over ${SIGHTINGS_PER_SECOND}/s not shown`);
    const total = this.drops.summary();
    this.emit('status', `packets dropped: ${parts.join('; ')} (in all: ${total.malformed} malformed, ${total.rateLimited} rate-limited)`);
  }

  /** Emits an event; a listener that throws (an event that fails its schema) is counted, never fatal. */
  private safeEmit(event: 'dhcp' | 'tftp', payload: DhcpSighting | TftpEvent): void {
    try {
      this.emit(event, payload);
    } catch (error) {
      this.countDrop('malformed', event === 'dhcp' ? (payload as DhcpSighting).mac : (payload as TftpEvent).clientIp, `${event} event not delivered: ${(error as Error).message}`);
    }
  }

  private describe(p: DhcpPacket, at: number): DhcpSighting {
    const isServer = p.op === 'reply';
    const id = identify(p.options.vendorClass, p.options.userClass, p.chaddr);
    return {
      at,
      time: new Date().toISOString(),
      mac: p.chaddr,
      xid: p.xid,
      type: p.options.messageType ?? (p.isDhcp ? 'DHCP' : 'BOOTP'),
      direction: isServer ? 'server' : 'client',
      vendorClass: p.options.vendorClass ?? null,
      userClass: p.options.userClass ?? null,
      clientArch: p.options.clientArch ?? null,
      requestedOptions: p.options.paramRequestList ?? null,
      hostname: p.options.hostname ?? null,
      serverId: isServer ? (p.options.serverId ?? null) : null,
      yourIp: isServer ? p.yiaddr : null,
      nextServer: isServer ? (p.siaddr !== '0.0.0.0' ? p.siaddr : (p.options.tftpServerName ?? null)) : null,
      bootFile: isServer ? p.file || p.options.bootfileName || null : null,
      answered: null,
      reason: null,
      model: isServer ? null : id.model,
    };
  }
}

/** Names the source of a DHCP packet: the sender's address, or for a client without one (0.0.0.0) its chaddr bytes. */
function dhcpSource(bytes: Uint8Array, rinfo: RemoteInfo | null): string {
  const chaddr = bytes.length >= 34 ? macText(bytes.subarray(28, 34)) : null;
  if (rinfo && rinfo.address !== '0.0.0.0') return rinfo.address;
  return chaddr ? `${rinfo?.address ?? 'capture'} (chaddr ${chaddr})` : (rinfo?.address ?? 'capture');
}
