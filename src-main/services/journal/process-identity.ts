import { readFileSync } from 'node:fs';

/** Names a process so that a later reader can tell whether that very process still runs (not a reused PID). */
export interface ProcessIdentity {
  /** This process's token. */
  self(): string;
  /** True while the process a token names is alive. */
  isLive(token: string): boolean;
}

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'unknown-boot';
  }
}

/** The start time of a process in clock ticks since boot (/proc/PID/stat field 22), or null off Linux. */
function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The program name (field 2) may hold spaces and parentheses: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** True while a process of this PID runs (one of another user's too). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The real processes: `boot-id/pid/start-time` on Linux, so a reboot or a reused PID never looks alive. */
export const processIdentity: ProcessIdentity = {
  self() {
    return `${bootId()}/${process.pid}/${startTime(process.pid) ?? ''}`;
  },
  isLive(token) {
    const [boot, pidText, start] = token.split('/');
    const pid = Number(pidText);
    if (!Number.isInteger(pid) || pid <= 0 || boot !== bootId()) return false;
    if (!start) return pidAlive(pid);
    return startTime(pid) === start;
  },
};
