import type { Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { ApiError } from '../../api/errors.js';
import { type DhcpPacket, decodeDhcp, encodeDhcp } from '../../core/net/dhcp.js';
import { type BenchDhcpConfig, decideReply, type LeaseTable } from '../../core/net/dhcp-reply.js';
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
}

/** Events: 'dhcp' (DhcpSighting), 'tftp' (TftpEvent), 'status' (string). */
export class BenchService extends EventEmitter {
  private sockets: Socket[] = [];
  private tftp: BenchTftpServer | null = null;
  private capture: DhcpCapture | null = null;
  private readonly leases: LeaseTable = { byMac: new Map() };
  private readonly modelsByIp = new Map<string, string>();
  private link: DeskLink | null = null;
  private readonly now: () => number;

  constructor(private readonly options: BenchOptions) {
    super();
    this.now = options.now ?? (() => performance.now());
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
    if (!link.carrier) this.emit('status', `${link.name} has no carrier yet (cable unplugged or board off): waiting for the board`);
    if (this.options.mode === 'observe') {
      // Passive: a capture sees every DHCP packet on the link, the servers' unicast answers too; nothing is sent.
      this.capture = await captureDhcp(
        link.name,
        (d) => void this.onPacket(d.payload, null, null),
        (message) => this.emit('status', message),
      );
      this.emit('status', `observing DHCP on ${link.name} (${link.ip}); answering nothing`);
      return;
    }
    const server = await bindUdp(67, '0.0.0.0', { broadcast: true });
    this.sockets.push(server);
    const client = await bindUdp(68, '0.0.0.0', { broadcast: true });
    this.sockets.push(client);
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
      leaseSeconds: 3600,
      answerRpiFirmware: this.options.answerRpiFirmware ?? true,
    };
    server.on('message', (msg) => void this.onPacket(new Uint8Array(msg), config, server));
    client.on('message', (msg) => void this.onPacket(new Uint8Array(msg), config, null));
    this.tftp = new BenchTftpServer({
      address: link.ip,
      root: this.options.root,
      modelOf: (ip) => this.modelsByIp.get(ip) ?? null,
      onEvent: (e: TftpEvent) => this.emit('tftp', e),
    });
    await this.tftp.start();
    this.emit(
      'status',
      `serving walt bootloaders on ${link.name} (${link.ip}, leases ${range.start}-${range.end}, files: ${this.options.root ?? 'probe scripts'})`,
    );
  }

  /** Stops every socket and transfer. */
  async stop(): Promise<void> {
    this.capture?.stop();
    this.capture = null;
    await this.tftp?.stop();
    this.tftp = null;
    for (const s of this.sockets) s.close();
    this.sockets = [];
  }

  private async onPacket(bytes: Uint8Array, config: BenchDhcpConfig | null, answerOn: Socket | null): Promise<void> {
    const at = this.now();
    let p: DhcpPacket;
    try {
      p = decodeDhcp(bytes);
    } catch {
      return; // garbage: never answered, never reported as a client
    }
    if (p.options.vendorClass === 'walt-bench.probe') return;
    const sighting = this.describe(p, at);
    if (p.op === 'request' && answerOn && config) {
      const decision = decideReply(p, config, this.leases);
      sighting.answered = decision.answer;
      sighting.reason = decision.answer ? `answered with ${decision.reply.options.messageType}` : decision.reason;
      // Reported before the answer goes out, so the client's packet always precedes our reply in the event stream.
      this.emit('dhcp', sighting);
      if (decision.answer) {
        if (decision.identity.model) this.modelsByIp.set(decision.reply.yiaddr ?? '', decision.identity.model);
        // To the link's broadcast: the answer leaves by the desk link only (and reaches a client without an address).
        await sendUdp(answerOn, encodeDhcp(decision.reply), 68, this.link!.broadcast).catch((e: Error) =>
          this.emit('status', `could not answer ${p.chaddr}: ${e.message}`),
        );
      }
      return;
    }
    this.emit('dhcp', sighting);
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
