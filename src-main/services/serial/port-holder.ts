import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';

/** A process that has a device open. */
export interface PortHolder {
  pid: number;
  name: string;
  command: string;
}

/** The processes (other than this one) holding `device` open, found through /proc/<pid>/fd. */
export function findPortHolders(device: string, proc = '/proc'): PortHolder[] {
  let target = device;
  try {
    target = realpathSync(device);
  } catch {
    // keep the path as given
  }
  const holders: PortHolder[] = [];
  let pids: string[] = [];
  try {
    pids = readdirSync(proc).filter((d) => /^\d+$/.test(d));
  } catch {
    return holders;
  }
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    let fds: string[];
    try {
      fds = readdirSync(`${proc}/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    const holds = fds.some((fd) => {
      try {
        return readlinkSync(`${proc}/${pid}/fd/${fd}`) === target;
      } catch {
        return false;
      }
    });
    if (!holds) continue;
    const read = (f: string): string => {
      try {
        return readFileSync(`${proc}/${pid}/${f}`, 'utf8');
      } catch {
        return '';
      }
    };
    holders.push({ pid: Number(pid), name: read('comm').trim(), command: read('cmdline').split('\0').join(' ').trim() });
  }
  return holders;
}
