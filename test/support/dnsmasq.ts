/**
 * dnsmasq as the reference DHCP + TFTP server of a test, inside a namespace made by `createNetns`. It serves
 * `tftpRoot` (a directory of the test), hands out addresses from `range`, and logs every DHCP/TFTP exchange to
 * `log()`. Stopped by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetNamespace } from './netns.js';

/** A running dnsmasq. */
export interface Dnsmasq {
  pid: number;
  /** Everything dnsmasq logged so far (DHCP offers, vendor class, TFTP "sent" lines). */
  log(): string;
  /** Resolves once the log matches, or rejects after timeoutMs with the log. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM (SIGKILL after 3 s); resolves when it exited. */
  stop(): Promise<void>;
}

/** Options of startDnsmasq. */
export interface DnsmasqOptions {
  /** Directory served over TFTP (must exist). */
  tftpRoot: string;
  /** First and last address handed out (default .10 to .50 of the namespace's /24). */
  range?: [string, string];
  /** DHCP boot file name (option 67 / file field), e.g. "start.uboot". */
  bootFile?: string;
  /** Extra raw dnsmasq arguments (e.g. "--dhcp-option=66,192.168.152.1"). */
  extraArgs?: string[];
}

/** Starts dnsmasq on the namespace's tap (DNS off, no ping check) and waits until it listens. */
export async function startDnsmasq(ns: NetNamespace, options: DnsmasqOptions): Promise<Dnsmasq> {
  const net = ns.hostIp.split('.').slice(0, 3).join('.');
  const [first, last] = options.range ?? [`${net}.10`, `${net}.50`];
  const leaseDir = mkdtempSync(join(tmpdir(), 'wb-dnsmasq-'));
  const args = [
    '--no-daemon',
    '--log-facility=-',
    '--port=0',
    '--user=root',
    '--group=root',
    `--interface=${ns.tap}`,
    '--bind-interfaces',
    `--dhcp-range=${first},${last},12h`,
    `--dhcp-leasefile=${join(leaseDir, 'leases')}`,
    '--enable-tftp',
    `--tftp-root=${options.tftpRoot}`,
    '--no-ping',
    '--log-dhcp',
    '--conf-file=/dev/null',
    ...(options.bootFile ? [`--dhcp-boot=${options.bootFile}`] : []),
    ...(options.extraArgs ?? []),
  ];
  const [cmd, ...prefix] = ns.wrap();
  const child: ChildProcess = spawn(cmd!, [...prefix, 'dnsmasq', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (b: Buffer): void => {
    out += b.toString();
    for (const l of [...listeners]) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.pid === undefined) throw new Error('dnsmasq did not start');
  const pid = child.pid;

  const waitForLog = (pattern: RegExp, timeoutMs = 10_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const m = pattern.exec(out);
        if (m) {
          listeners.delete(check);
          clearTimeout(timer);
          resolve(m[0]);
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`dnsmasq log never matched ${pattern} within ${timeoutMs} ms:\n${out}`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) {
      rmSync(leaseDir, { recursive: true, force: true });
      return;
    }
    process.kill(pid, 'SIGTERM');
    const killer = setTimeout(() => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }, 3000);
    await exited;
    clearTimeout(killer);
    rmSync(leaseDir, { recursive: true, force: true });
  };
  try {
    await waitForLog(/TFTP root is/, 10_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid, log: () => out, waitForLog, stop };
}
