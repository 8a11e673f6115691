import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';

const BLKIO = '/sys/fs/cgroup/blkio';

/** True when cgroup v1 blkio throttling is available (as root). */
export function throttleAvailable(): boolean {
  return process.getuid?.() === 0 && existsSync(`${BLKIO}/cgroup.procs`);
}

/**
 * Moves this process into a blkio cgroup that throttles writes to the given devices (bytes per second each), so a
 * zram card behaves like a real, slow one. Returns the function that moves the process back and removes the group.
 */
export function throttleWrites(devices: { device: string; bytesPerSecond: number }[]): () => void {
  const group = `${BLKIO}/walt-bench-test-${process.pid}`;
  mkdirSync(group, { recursive: true });
  for (const d of devices) {
    const name = d.device.replace('/dev/', '');
    const majMin = readFileSync(`/sys/block/${name}/dev`, 'utf8').trim();
    writeFileSync(`${group}/blkio.throttle.write_bps_device`, `${majMin} ${d.bytesPerSecond}`);
  }
  writeFileSync(`${group}/cgroup.procs`, String(process.pid));
  return () => {
    writeFileSync(`${BLKIO}/cgroup.procs`, String(process.pid));
    for (let i = 0; i < 50; i += 1) {
      try {
        rmdirSync(group);
        return;
      } catch {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      }
    }
  };
}
