import type { DhcpPacket, DhcpPacketToWrite } from './dhcp.js';

/** Where a bench answer goes: the link's broadcast, or one client (its MAC and the address it is given). */
export type ReplyDestination = { kind: 'broadcast' } | { kind: 'unicast'; ip: string; mac: string };

/**
 * RFC 2131 4.1: a client that did not set the broadcast flag gets its OFFER/ACK by unicast to its MAC and the
 * offered address; renewals go to ciaddr; a NAK, a relayed request and a client asking for broadcast get the link's
 * broadcast. Unicast matters on a rack: broadcast answers reach every board on the link, and a bootloader whose
 * NIC fills its receive ring before it starts polling (U-Boot's virtio-net) stops receiving for the whole DHCP round.
 */
export function replyDestination(request: Pick<DhcpPacket, 'broadcast' | 'ciaddr' | 'giaddr' | 'chaddr'>, reply: DhcpPacketToWrite): ReplyDestination {
  if (reply.options.messageType === 'NAK' || request.giaddr !== '0.0.0.0' || request.broadcast) return { kind: 'broadcast' };
  if (request.ciaddr !== '0.0.0.0') return { kind: 'unicast', ip: request.ciaddr, mac: request.chaddr };
  const ip = reply.yiaddr;
  return ip && ip !== '0.0.0.0' ? { kind: 'unicast', ip, mac: request.chaddr } : { kind: 'broadcast' };
}
