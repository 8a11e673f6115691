import { z } from 'zod';
import { FilePath } from '../schemas.js';
import { lazyDomain } from '../lazy-domain.js';

/**
 * The Bench domain (the bench service: DHCP, TFTP). Its schemas are built the first time the contract looks up one of
 * its names, so a one-shot CLI command pays only for the domains it calls.
 */
export const benchDomain = lazyDomain(() => {
  /** A DHCP packet seen on the desk link. */
  const DhcpSighting = z.object({
    at: z.number(),
    time: z.string(),
    mac: z.string(),
    xid: z.number(),
    type: z.string(),
    direction: z.enum(['client', 'server']),
    vendorClass: z.string().nullable(),
    userClass: z.array(z.string()).nullable(),
    clientArch: z.array(z.number()).nullable(),
    requestedOptions: z.array(z.number()).nullable(),
    hostname: z.string().nullable(),
    serverId: z.string().nullable(),
    yourIp: z.string().nullable(),
    nextServer: z.string().nullable(),
    bootFile: z.string().nullable(),
    answered: z.boolean().nullable(),
    reason: z.string().nullable(),
    model: z.string().nullable(),
  });

  /** A TFTP request served (or refused) by the bench. */
  const TftpTransfer = z.object({
    clientIp: z.string(),
    clientPort: z.number(),
    filename: z.string(),
    servedFrom: z.string().nullable(),
    result: z.enum(['started', 'complete', 'not-found', 'refused', 'timeout', 'error']),
    bytes: z.number(),
    size: z.number().nullable(),
    blksize: z.number(),
    message: z.string().nullable(),
    durationMs: z.number(),
  });

  /** Packets the bench dropped (malformed, over a rate limit), per source: the technician's "3 malformed from 10.0.0.7". */
  const BenchDrops = z.object({
    malformed: z.number(),
    rateLimited: z.number(),
    sources: z.array(
      z.object({ source: z.string(), kind: z.enum(['malformed', 'rate-limited']), count: z.number(), lastCause: z.string(), firstAt: z.number(), lastAt: z.number() }),
    ),
    otherSources: z.number(),
  });

  const BenchState = z.object({
    running: z.boolean(),
    iface: z.string().nullable(),
    ip: z.string().nullable(),
    mode: z.enum(['observe', 'serve']).nullable(),
    root: z.string().nullable(),
    dropped: BenchDrops.nullable(),
  });

  /** Commands of the bench service (DHCP/TFTP on the desk link). */
  const benchCommands = {
    /** Starts the bench on one interface: observing DHCP, or serving walt bootloaders (after a rogue-server probe). */
    'bench.start': {
      input: z.object({
        iface: z.string().regex(/^[A-Za-z0-9_.:@-]{1,15}$/, 'an interface name such as eth1'),
        mode: z.enum(['observe', 'serve']),
        root: FilePath.optional(),
      }),
      output: BenchState,
    },
    /** Stops the bench. */
    'bench.stop': { input: z.object({}), output: BenchState },
    /** The bench's state. */
    'bench.status': { input: z.object({}), output: BenchState },
    /** The network interfaces a desk link can be (with their IPv4 address and carrier). */
    'bench.interfaces': {
      input: z.object({}),
      output: z.array(z.object({ name: z.string(), ip: z.string().nullable(), netmask: z.string().nullable(), carrier: z.boolean(), mac: z.string() })),
    },
  } as const;

  /** Events of the bench service. */
  const benchEvents = {
    'bench.dhcp': DhcpSighting,
    'bench.tftp': TftpTransfer,
    'bench.status': z.object({ message: z.string() }),
  } as const;
  return { commands: benchCommands, events: benchEvents };
});
