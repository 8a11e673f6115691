import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';

/** Options of the device events: what to call on a change, and the devices whose size to watch. */
export interface DeviceEventsOptions {
  onEvent: (why: string) => void;
  /** The kernel devices of the armed slots (their sysfs size is read every `probeMs`). */
  devices: () => string[];
  probeMs?: number;
}

/**
 * Tells the station that a block device changed, faster than the drive poll: the kernel's block uevents (netlink,
 * through `udevadm monitor --kernel`: it needs no running udevd), and a cheap probe of the armed slots' sysfs
 * `size` (a USB reader sends a "change" uevent on a media change, but zram sends none when its disksize is set or
 * reset: measured on 6.18, only add/remove arrive). Either one only triggers a drive refresh; the drive list decides.
 */
export class DeviceEvents {
  private child: ChildProcess | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly sizes = new Map<string, string>();

  constructor(private readonly options: DeviceEventsOptions) {}

  /** Starts listening (idempotent). */
  start(): void {
    if (this.timer) return;
    try {
      const child = spawn('udevadm', ['monitor', '--kernel', '--subsystem-match=block'], { stdio: ['ignore', 'pipe', 'ignore'] });
      child.on('error', () => undefined);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (line.startsWith('KERNEL[')) this.options.onEvent(line);
      });
      this.child = child;
    } catch {
      // No udevadm: the size probe and the poll remain.
    }
    this.timer = setInterval(() => this.probe(), this.options.probeMs ?? 50);
    this.timer.unref();
  }

  private probe(): void {
    for (const device of this.options.devices()) {
      let size: string;
      try {
        size = readFileSync(`/sys/class/block/${basename(device)}/size`, 'utf8').trim();
      } catch {
        size = 'gone';
      }
      const before = this.sizes.get(device);
      this.sizes.set(device, size);
      if (before !== undefined && before !== size) this.options.onEvent(`${device} size ${before} -> ${size}`);
    }
  }

  /** Stops listening. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    // A spawn that failed (no udevadm) has no pid until its 'error' arrives: kill() then would signal the whole
    // process group (pid 0), the station and its parent shell with it.
    if (this.child?.pid !== undefined && this.child.exitCode === null) this.child.kill();
    this.child = null;
  }
}
