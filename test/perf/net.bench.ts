/**
 * npm run bench:net: the bench's TFTP server against dnsmasq's (same 32 MiB file, blksize 1468, same client:
 * curl), and 50 simulated walt DHCP clients at once against the bench DHCP server. Root, ip netns, dnsmasq, curl.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomFile } from '../support/backend.js';
import { startDnsmasq } from '../support/dnsmasq.js';
import { createNetns, netnsAvailable } from '../support/netns.js';

const SIZE = 32 << 20;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function timeCurl(wrap: string[], url: string): number {
  const t = performance.now();
  execFileSync(wrap[0]!, [...wrap.slice(1), 'curl', '-s', '--tftp-blksize', '1468', '-o', '/dev/null', url]);
  return performance.now() - t;
}

async function main(): Promise<void> {
  if (!netnsAvailable()) {
    console.log('bench:net needs root and ip netns: skipped');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'wb-netbench-'));
  const ns = createNetns();
  try {
    mkdirSync(join(dir, 'root', 'boot', 'bench'), { recursive: true });
    randomFile(join(dir, 'root', 'boot', 'bench', 'big.bin'), SIZE);
    const url = `tftp://${ns.hostIp}/big.bin`;
    const dnsmasq = await startDnsmasq(ns, { tftpRoot: join(dir, 'root', 'boot', 'bench') });
    const theirs = Array.from({ length: RUNS }, () => timeCurl(ns.wrap(), url));
    await dnsmasq.stop();
    const inside = join(__dirname, 'net-inside.ts');
    const server = spawn(ns.wrap()[0]!, [...ns.wrap().slice(1), process.execPath, '--import', 'tsx', inside, 'tftp', join(dir, 'root'), ns.hostIp], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) => server.stdout!.once('data', () => resolve()));
    const ours = Array.from({ length: RUNS }, () => timeCurl(ns.wrap(), url));
    // The figures mean nothing if the bytes are wrong: fetch once more into a file and compare.
    execFileSync(ns.wrap()[0]!, [...ns.wrap().slice(1), 'curl', '-s', '--tftp-blksize', '1468', '-o', join(dir, 'got.bin'), url]);
    execFileSync('cmp', [join(dir, 'got.bin'), join(dir, 'root', 'boot', 'bench', 'big.bin')]);
    server.kill('SIGTERM');
    await new Promise((r) => server.on('close', r));
    const sim = JSON.parse(
      execFileSync(ns.wrap()[0]!, [...ns.wrap().slice(1), process.execPath, '--import', 'tsx', inside, 'dhcp', ns.tap, '50'], { encoding: 'utf8' }).trim().split('\n').at(-1)!,
    ) as { clients: number; answered: number; eventP99Ms: number; eventMaxMs: number; offerP99Ms: number };
    const mbps = (ms: number): string => (SIZE / 1e6 / (ms / 1000)).toFixed(1);
    console.log(`bench:net (median of ${RUNS}, curl as the TFTP client, blksize 1468, 32 MiB)`);
    console.log(`  TFTP dnsmasq    ${median(theirs).toFixed(0)} ms (${mbps(median(theirs))} MB/s)`);
    console.log(`  TFTP walt-bench ${median(ours).toFixed(0)} ms (${mbps(median(ours))} MB/s)`);
    console.log(`  ratio walt-bench/dnsmasq throughput  ${(median(theirs) / median(ours)).toFixed(2)}x  (target >= 0.8x)`);
    console.log(`  DHCP: ${sim.answered}/${sim.clients} simulated walt clients answered; packet arrival -> API event p99 ${sim.eventP99Ms.toFixed(2)} ms (max ${sim.eventMaxMs.toFixed(2)} ms, target p99 < 20 ms); DISCOVER -> OFFER p99 ${sim.offerP99Ms.toFixed(2)} ms`);
  } finally {
    ns.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
