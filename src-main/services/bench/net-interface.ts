import { execFileSync } from 'node:child_process';
import { ApiError } from '../../api/errors.js';

/** The desk link the bench works on: one interface and its IPv4 network. */
export interface DeskLink {
  name: string;
  ip: string;
  netmask: string;
  /** The subnet's directed broadcast (replies go there, so they leave by this interface only). */
  broadcast: string;
  mac: string;
  /** False when the interface has no carrier (cable unplugged, board off, tap not attached). */
  carrier: boolean;
}

/** What `ip -j addr show` says of one interface (the fields walt-bench reads). */
interface IpAddrJson {
  ifname: string;
  flags: string[];
  address?: string;
  addr_info: { family: string; local: string; prefixlen: number }[];
}

function ipNumber(ip: string): number {
  return ip.split('.').reduce((n, p) => n * 256 + Number(p), 0) >>> 0;
}

function ipOf(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

/** Reads every interface with iproute2 (also those without carrier, which Node's networkInterfaces() leaves out). */
function readInterfaces(): IpAddrJson[] {
  try {
    return JSON.parse(execFileSync('ip', ['-j', 'addr', 'show'], { encoding: 'utf8' })) as IpAddrJson[];
  } catch (error) {
    throw new ApiError('internal', `cannot list network interfaces with ip(8): ${(error as Error).message}`, 'install iproute2');
  }
}

/** Finds an interface's IPv4 address, or says why it cannot be used. */
export function deskLink(name: string, all: IpAddrJson[] = readInterfaces()): DeskLink {
  const iface = all.find((i) => i.ifname === name);
  if (!iface) {
    const known = all.map((i) => i.ifname).filter((n) => n !== 'lo').join(', ') || 'none';
    throw new ApiError('not-found', `no network interface "${name}" (interfaces here: ${known})`);
  }
  const v4 = iface.addr_info.find((a) => a.family === 'inet');
  if (!v4) {
    throw new ApiError(
      'refused',
      `${name} has no IPv4 address: the bench needs one on the desk link`,
      `give it one, e.g. sudo ip addr add 192.168.152.1/24 dev ${name}`,
    );
  }
  const mask = v4.prefixlen === 0 ? 0 : (0xffffffff << (32 - v4.prefixlen)) >>> 0;
  return {
    name,
    ip: v4.local,
    netmask: ipOf(mask),
    broadcast: ipOf(((ipNumber(v4.local) & mask) | (~mask >>> 0)) >>> 0),
    mac: iface.address ?? '',
    carrier: iface.flags.includes('LOWER_UP'),
  };
}

/** Every interface but loopback, with its IPv4 address if any (for the technician to pick the desk link). */
export function listLinks(all: IpAddrJson[] = readInterfaces()): { name: string; ip: string | null; netmask: string | null; carrier: boolean; mac: string }[] {
  return all
    .filter((i) => !i.flags.includes('LOOPBACK'))
    .map((i) => {
      const v4 = i.addr_info.some((a) => a.family === 'inet') ? deskLink(i.ifname, all) : null;
      return { name: i.ifname, ip: v4?.ip ?? null, netmask: v4?.netmask ?? null, carrier: i.flags.includes('LOWER_UP'), mac: i.address ?? '' };
    });
}

/** A small bench range in the link's subnet: .100 to .199 of a /24, or the upper half of a smaller net. */
export function benchRange(link: DeskLink): { start: string; end: string } {
  const mask = ipNumber(link.netmask);
  const net = (ipNumber(link.ip) & mask) >>> 0;
  const size = (~mask >>> 0) + 1;
  if (size >= 256) return { start: ipOf(net + 100), end: ipOf(net + 199) };
  return { start: ipOf(net + Math.floor(size / 2)), end: ipOf(net + size - 2) };
}
