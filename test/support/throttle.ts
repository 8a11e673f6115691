import { blkioAvailable, createBlkioGroup } from './blkio-group.js';

/** True when cgroup v1 blkio throttling is available (as root). */
export const throttleAvailable = blkioAvailable;

/**
 * Moves this process into a blkio cgroup that throttles writes (and optionally reads) to the given devices (bytes per
 * second each), so a zram card behaves like a real, slow one. Returns the function that moves the process back and removes the group.
 */
export function throttleWrites(devices: { device: string; bytesPerSecond: number; readBytesPerSecond?: number }[]): () => void {
  const group = createBlkioGroup(`walt-bench-test-${process.pid}`);
  for (const d of devices) {
    group.throttle(d.device, d.bytesPerSecond);
    if (d.readBytesPerSecond !== undefined) group.throttleRead(d.device, d.readBytesPerSecond);
  }
  group.addProcess(process.pid);
  return () => {
    group.release(process.pid);
    group.remove();
  };
}
