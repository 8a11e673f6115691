import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:dgram';
import { decodeDhcp, encodeDhcp } from '../../core/net/dhcp.js';
import { macText } from '../../core/net/bytes.js';
import type { DeskLink } from './net-interface.js';
import { sendUdp } from './udp.js';

/** Another DHCP server found on the link. */
export interface OtherServer {
  serverId: string | null;
  from: string;
  offered: string;
}

/**
 * Asks the link "is there a DHCP server?" before the bench may answer anything: a DISCOVER from a made-up,
 * locally administered MAC, sent to the link's broadcast (so it leaves by this interface only), twice; any OFFER
 * within the wait means another server is there. The probe's own packets are marked with VCI walt-bench.probe.
 */
export async function findOtherDhcpServer(client: Socket, link: DeskLink, waitMs = 2000): Promise<OtherServer | null> {
  const mac = randomBytes(6);
  mac[0] = (mac[0]! & 0xfe) | 0x02;
  const chaddr = macText(mac);
  const xid = randomBytes(4).readUInt32BE(0);
  const discover = encodeDhcp({
    op: 'request',
    xid,
    chaddr,
    broadcast: true,
    options: { messageType: 'DISCOVER', vendorClass: 'walt-bench.probe', paramRequestList: [1, 3, 54] },
  });
  return new Promise((resolve) => {
    const onMessage = (msg: Buffer, rinfo: { address: string }): void => {
      try {
        const p = decodeDhcp(new Uint8Array(msg));
        if (p.op === 'reply' && p.xid === xid && p.options.messageType === 'OFFER') {
          done({ serverId: p.options.serverId ?? null, from: rinfo.address, offered: p.yiaddr });
        }
      } catch {
        // not a DHCP packet: keep listening
      }
    };
    const timer = setTimeout(() => done(null), waitMs);
    const again = setTimeout(() => void sendUdp(client, discover, 67, link.broadcast).catch(() => undefined), waitMs / 2);
    function done(found: OtherServer | null): void {
      clearTimeout(timer);
      clearTimeout(again);
      client.removeListener('message', onMessage);
      resolve(found);
    }
    client.on('message', onMessage);
    void sendUdp(client, discover, 67, link.broadcast).catch(() => undefined);
  });
}
