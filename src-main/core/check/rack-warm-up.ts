import { WARM_UP_MAC } from '../net/dhcp-warm-up.js';
import { RackTracker, type RackTrackerOptions } from './rack-tracker.js';

/**
 * Runs a throwaway rack tracker (the same options as the real one) through one board's boot: DISCOVER, OFFER,
 * REQUEST, ACK, TFTP of start.uboot started and complete (a board the options expect, on a throwaway tracker). V8 compiles lazily, and the first board of a rack check
 * otherwise paid that compiling on its packets' path (1-2.5 ms measured, more on a busy machine, the boards of its
 * burst queued behind it). Nothing of it is kept or emitted. Returns how many board events it made (> 0: the path
 * ran). Pure.
 */
export function warmRackTracker(options: RackTrackerOptions): number {
  const rack = new RackTracker(options);
  const expect = options.expect;
  // a board the options expect (a map's first one: the tracker follows only mapped boards through their checks)
  const [mac, model] = expect.kind === 'map' ? (Object.entries(expect.map)[0] ?? [WARM_UP_MAC, 'rpi-4-b']) : [WARM_UP_MAC, expect.kind === 'model' ? expect.model : 'rpi-4-b'];
  const vendorClass = `walt.node.${model}`;
  const ip = '192.0.2.10';
  let at = 0;
  let events = 0;
  for (const [type, direction] of [['DISCOVER', 'client'], ['OFFER', 'server'], ['REQUEST', 'client'], ['ACK', 'server']] as const) {
    at += 1;
    const client = direction === 'client';
    events += rack.onDhcp({ at, mac, type, direction, vendorClass: client ? vendorClass : null, userClass: null, serverId: null, yourIp: client ? null : ip, bootFile: client ? null : 'start.uboot' }).length;
  }
  for (const result of ['started', 'complete'] as const) {
    at += 1;
    events += rack.onTftp({ at, clientIp: ip, filename: 'start.uboot', result, bytes: result === 'complete' ? 512 : 0, size: 512, message: null, servedFrom: 'probe' }).length;
  }
  // what the session asks after each change
  rack.allDecided();
  rack.boards();
  return events;
}
