import { decodeDhcp, encodeDhcp } from './dhcp.js';
import { BenchDhcp, type BenchDhcpConfig } from './dhcp-reply.js';

/** A MAC no board has (locally administered): the throwaway board of a warm-up. */
export const WARM_UP_MAC = '02:00:5e:00:00:01';

/**
 * Runs a throwaway bench DHCP server through one walt board's DISCOVER -> OFFER and REQUEST -> ACK (decode, decide,
 * encode) before any board comes: V8 compiles lazily, and the first board on the link otherwise paid that compiling
 * on its packet's path (1-6 ms measured, the boards of its burst queued behind it). Nothing is kept or sent. Returns
 * the address the throwaway server granted (null: it did not answer). Pure.
 */
export function warmDhcpPath(config: BenchDhcpConfig): string | null {
  const server = new BenchDhcp(config);
  let granted: string | null = null;
  for (const type of ['DISCOVER', 'REQUEST'] as const) {
    const options = { messageType: type, vendorClass: 'walt.node.rpi-4-b', ...(granted ? { requestedIp: granted, serverId: config.serverIp } : {}) };
    const decision = server.decide(decodeDhcp(encodeDhcp({ op: 'request', xid: 1, chaddr: WARM_UP_MAC, broadcast: true, options })), 0);
    if (!decision.answer) return null;
    granted = decodeDhcp(encodeDhcp(decision.reply)).yiaddr;
  }
  return granted;
}
