import { readdir, readFile, readlink, realpath, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { assertNever } from '../../core/util/assert-never.js';

/** Something that keeps a block device busy: a process with it open, a mount, swap, or a kernel device on top. */
export type DeviceHolder =
  | { kind: 'process'; pid: number; program: string; path: string }
  | { kind: 'mount'; path: string; mountpoint: string }
  | { kind: 'swap'; path: string }
  | { kind: 'kernel'; name: string };

/** Where the kernel's views live (the real ones, or a fake tree in unit tests). */
export interface HolderRoots {
  proc: string;
  sys: string;
}

const INTERPRETERS = /^(node|nodejs|electron|python[0-9.]*|perl|ruby|sh|bash|dash)$/;

/** A program's name from its command line: `python3 hold.py`, `node walt-bench.js`, `dd`. */
export function programName(cmdline: string, comm: string): string {
  const argv = cmdline.split('\0').filter((a) => a !== '');
  if (argv.length === 0) return comm || '?';
  const exe = basename(argv[0]!);
  if (!INTERPRETERS.test(exe)) return exe;
  const script = argv.slice(1).find((a) => !a.startsWith('-'));
  return script && !argv.slice(1).some((a) => a === '-c' || a === '-e') ? `${exe} ${basename(script)}` : exe;
}

/** The device and its partitions: paths and device numbers (`major:minor`). */
async function family(device: string, roots: HolderRoots): Promise<{ name: string; parts: { path: string; dev: string }[] }> {
  const real = await realpath(device).catch(() => device);
  const name = basename(real);
  const parts: { path: string; dev: string }[] = [];
  const sysDir = `${roots.sys}/block/${name}`;
  const dev = (await readFile(`${sysDir}/dev`, 'utf8').catch(() => '')).trim();
  parts.push({ path: real, dev });
  for (const entry of await readdir(sysDir).catch(() => [] as string[])) {
    if (!entry.startsWith(name)) continue;
    const partDev = (await readFile(`${sysDir}/${entry}/dev`, 'utf8').catch(() => '')).trim();
    if (partDev) parts.push({ path: `/dev/${entry}`, dev: partDev });
  }
  return { name, parts };
}

function rdevOf(majMin: string): number | null {
  const [major, minor] = majMin.split(':').map(Number);
  if (major === undefined || minor === undefined || Number.isNaN(major) || Number.isNaN(minor)) return null;
  // Linux's dev_t encoding, as stat() reports it.
  return ((major & 0xfff) << 8) | (minor & 0xff) | ((minor & ~0xff) << 12) | ((major & ~0xfff) * 2 ** 32);
}

/** Processes holding the device or one of its partitions open (found through /proc/<pid>/fd). */
async function processHolders(parts: { path: string; dev: string }[], roots: HolderRoots): Promise<DeviceHolder[]> {
  const byRdev = new Map<number, string>();
  for (const p of parts) {
    const r = rdevOf(p.dev);
    if (r !== null) byRdev.set(r, p.path);
  }
  const byPath = new Map(parts.map((p) => [p.path, p.path]));
  const found: DeviceHolder[] = [];
  const pids = (await readdir(roots.proc).catch(() => [] as string[])).filter((e) => /^\d+$/.test(e));
  for (const pidText of pids) {
    const fdDir = `${roots.proc}/${pidText}/fd`;
    const fds = await readdir(fdDir).catch(() => [] as string[]);
    let path: string | undefined;
    for (const fd of fds) {
      const link = await readlink(`${fdDir}/${fd}`).catch(() => '');
      if (!link.startsWith('/dev/')) continue;
      path = byPath.get(link);
      if (path === undefined) {
        const st = await stat(`${fdDir}/${fd}`).catch(() => null);
        if (st?.isBlockDevice()) path = byRdev.get(st.rdev);
      }
      if (path !== undefined) break;
    }
    if (path === undefined) continue;
    const cmdline = await readFile(`${roots.proc}/${pidText}/cmdline`, 'utf8').catch(() => '');
    const comm = (await readFile(`${roots.proc}/${pidText}/comm`, 'utf8').catch(() => '')).trim();
    found.push({ kind: 'process', pid: Number(pidText), program: programName(cmdline, comm), path });
  }
  return found;
}

/**
 * Who holds a block device (Linux): processes with it or a partition open, mounts, swap, and kernel holders
 * (device-mapper, RAID) from /sys/block/<dev>/holders. Empty where the platform cannot tell.
 */
export async function findHolders(device: string, roots: HolderRoots = { proc: '/proc', sys: '/sys' }): Promise<DeviceHolder[]> {
  const { name, parts } = await family(device, roots);
  const holders = await processHolders(parts, roots);
  const devs = new Map(parts.filter((p) => p.dev).map((p) => [p.dev, p.path]));
  const mountinfo = await readFile(`${roots.proc}/self/mountinfo`, 'utf8').catch(() => '');
  for (const line of mountinfo.split('\n')) {
    const f = line.split(' ');
    const path = f[2] === undefined ? undefined : devs.get(f[2]);
    if (path !== undefined && f[4] !== undefined) holders.push({ kind: 'mount', path, mountpoint: f[4].replace(/\\040/g, ' ') });
  }
  const swaps = await readFile(`${roots.proc}/swaps`, 'utf8').catch(() => '');
  for (const line of swaps.split('\n').slice(1)) {
    const path = line.split(/\s+/)[0];
    if (path && parts.some((p) => p.path === path)) holders.push({ kind: 'swap', path });
  }
  for (const part of parts) {
    const dir = part.path === parts[0]!.path ? `${roots.sys}/block/${name}/holders` : `${roots.sys}/block/${name}/${basename(part.path)}/holders`;
    for (const holder of await readdir(dir).catch(() => [] as string[])) holders.push({ kind: 'kernel', name: holder });
  }
  return holders;
}

/** The holders in words: `PID 1234 (node walt-bench.js)`, `/dev/sdb1 mounted at /media/x`, ... */
export function describeHolders(holders: DeviceHolder[]): string {
  const words = holders.map((h) => {
    switch (h.kind) {
      case 'process':
        return `PID ${h.pid} (${h.program})`;
      case 'mount':
        return `${h.path} mounted at ${h.mountpoint}`;
      case 'swap':
        return `${h.path} in use as swap`;
      case 'kernel':
        return `the kernel device ${h.name} (device-mapper, LVM or RAID)`;
      default:
        return assertNever(h, 'device holder');
    }
  });
  const shown = words.slice(0, 4);
  return words.length > shown.length ? `${shown.join(', ')} and ${words.length - shown.length} more` : shown.join(', ');
}
