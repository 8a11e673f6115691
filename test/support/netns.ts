/**
 * A private desk link for a test: a fresh network namespace holding one tap device with the "server" address.
 * A QEMU board attaches to the tap (`-netdev tap,ifname=<tap>`), services run inside with `exec()`. Traffic never
 * leaves the namespace. Every namespace made here is deleted by `remove()` and, as a safety net, at process exit.
 */
import { execFileSync } from 'node:child_process';

/** A network namespace with a tap device, made for one test. */
export interface NetNamespace {
  /** Namespace name (unique per process and call). */
  name: string;
  /** Tap device inside the namespace. */
  tap: string;
  /** Address of the tap device (the server side of the link), e.g. 192.168.152.1. */
  hostIp: string;
  /** Prefix length of hostIp's network. */
  prefix: number;
  /** The argument-array prefix that runs a program inside the namespace: [...ns.wrap(), 'dnsmasq', ...]. */
  wrap(): string[];
  /** Runs a command inside the namespace and returns its stdout (throws on failure). */
  run(command: string, args: string[]): string;
  /** Deletes the namespace (and the tap with it). Safe to call twice. */
  remove(): void;
}

/** Options of createNetns. */
export interface NetnsOptions {
  /** Name prefix (default "wbt"). */
  prefix?: string;
  /** Tap device name (default "tap0"). */
  tap?: string;
  /** Server address on the tap (default 192.168.152.1). */
  hostIp?: string;
  /** Prefix length (default 24). */
  prefixLength?: number;
  /**
   * IPv6 off in the namespace (for a browser run inside it): no link-local address appears seconds after a link
   * comes up, an address change Chromium answers by failing its requests in flight (net::ERR_NETWORK_CHANGED).
   */
  noIpv6?: boolean;
}

let counter = 0;
const alive = new Set<string>();
let exitHookInstalled = false;

/** True when this machine can make namespaces and taps (root with `ip`). */
export function netnsAvailable(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Creates a unique namespace with lo up and a tap device carrying `hostIp`. */
export function createNetns(options: NetnsOptions = {}): NetNamespace {
  counter += 1;
  const name = `${options.prefix ?? 'wbt'}-${process.pid}-${counter}`;
  const tap = options.tap ?? 'tap0';
  const hostIp = options.hostIp ?? '192.168.152.1';
  const prefix = options.prefixLength ?? 24;
  const ip = (...args: string[]): void => {
    execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  installExitHook();
  ip('netns', 'add', name);
  alive.add(name);
  try {
    if (options.noIpv6) {
      for (const scope of ['all', 'default']) ip('netns', 'exec', name, 'sh', '-c', `echo 1 > /proc/sys/net/ipv6/conf/${scope}/disable_ipv6`);
    }
    ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
    ip('netns', 'exec', name, 'ip', 'tuntap', 'add', 'dev', tap, 'mode', 'tap');
    ip('netns', 'exec', name, 'ip', 'addr', 'add', `${hostIp}/${prefix}`, 'dev', tap);
    ip('netns', 'exec', name, 'ip', 'link', 'set', tap, 'up');
  } catch (error) {
    deleteNamespace(name);
    throw error;
  }
  return {
    name,
    tap,
    hostIp,
    prefix,
    wrap: () => ['ip', 'netns', 'exec', name],
    run: (command, args) => execFileSync('ip', ['netns', 'exec', name, command, ...args], { encoding: 'utf8' }),
    remove: () => deleteNamespace(name),
  };
}

/** Deletes one namespace if it still exists. */
function deleteNamespace(name: string): void {
  if (!alive.has(name)) return;
  try {
    execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
  } catch {
    // already gone
  }
  alive.delete(name);
}

/** Deletes every namespace still alive when the test process exits. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const name of [...alive]) deleteNamespace(name);
  });
}
