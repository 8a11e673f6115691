import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';

const BLKIO = '/sys/fs/cgroup/blkio';

/** A cgroup v1 blkio group that throttles writes to chosen devices, for processes put into it. */
export interface BlkioGroup {
  /** Throttles O_DIRECT writes to a device to `bytesPerSecond` (can be called any time). */
  throttle(device: string, bytesPerSecond: number): void;
  /** Throttles O_DIRECT reads from a device to `bytesPerSecond` (a slow verification pass). */
  throttleRead(device: string, bytesPerSecond: number): void;
  /** Moves a process (all its threads) into the group. */
  addProcess(pid: number): void;
  /** Moves a process back to the root group. */
  release(pid: number): void;
  /** Removes the group (once its processes have exited or left). */
  remove(): void;
}

/** True when cgroup v1 blkio throttling is available (as root). */
export function blkioAvailable(): boolean {
  return process.getuid?.() === 0 && existsSync(`${BLKIO}/cgroup.procs`);
}

/** Makes a blkio group: a zram card in it writes at a real card's pace, so progress can be watched. */
export function createBlkioGroup(name: string): BlkioGroup {
  const group = `${BLKIO}/${name}`;
  mkdirSync(group, { recursive: true });
  return {
    throttle(device, bytesPerSecond) {
      const majMin = readFileSync(`/sys/block/${device.replace('/dev/', '')}/dev`, 'utf8').trim();
      writeFileSync(`${group}/blkio.throttle.write_bps_device`, `${majMin} ${bytesPerSecond}`);
    },
    throttleRead(device, bytesPerSecond) {
      const majMin = readFileSync(`/sys/block/${device.replace('/dev/', '')}/dev`, 'utf8').trim();
      writeFileSync(`${group}/blkio.throttle.read_bps_device`, `${majMin} ${bytesPerSecond}`);
    },
    addProcess(pid) {
      writeFileSync(`${group}/cgroup.procs`, String(pid));
    },
    release(pid) {
      writeFileSync(`${BLKIO}/cgroup.procs`, String(pid));
    },
    remove() {
      for (let i = 0; i < 50; i += 1) {
        try {
          if (existsSync(group)) rmdirSync(group);
          return;
        } catch {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
        }
      }
    },
  };
}
