import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetNamespace } from './netns.js';

/** Debian's iPXE as a Linux kernel image (package ipxe): runs the script given as initrd. */
export const IPXE_LKRN = '/usr/lib/ipxe/ipxe.lkrn';

/** True when an iPXE PC board can run here (QEMU x86 and ipxe.lkrn). */
export function ipxeBoardAvailable(): boolean {
  return existsSync(IPXE_LKRN) && existsSync('/usr/bin/qemu-system-x86_64');
}

/** A PC-like board: QEMU x86 (TCG: nested KVM hangs iPXE here) running an iPXE script, on a namespace's tap. */
export interface IpxeBoard {
  pid: number;
  stop(): Promise<void>;
}

/** Starts iPXE with a script (`#!ipxe` ...) on the namespace's tap, with an e1000 NIC. */
export function startIpxeBoard(ns: NetNamespace, script: string, mac = '52:54:00:65:43:21'): IpxeBoard {
  const dir = mkdtempSync(join(tmpdir(), 'wb-ipxe-'));
  const scriptFile = join(dir, 'script.ipxe');
  writeFileSync(scriptFile, script);
  const args = [
    ...ns.wrap(), 'qemu-system-x86_64', '-accel', 'tcg', '-m', '256M', '-display', 'none', '-monitor', 'none',
    '-serial', 'null', '-no-reboot', '-nodefaults',
    '-netdev', `tap,id=n0,ifname=${ns.tap},script=no,downscript=no`, '-device', `e1000,netdev=n0,mac=${mac}`,
    '-kernel', IPXE_LKRN, '-initrd', scriptFile,
  ];
  const child: ChildProcess = spawn(args[0]!, args.slice(1), { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
