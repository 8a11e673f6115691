/**
 * `npm run bench:analyzer`: (1) the boot analyzer's throughput over the concatenated transcripts of
 * ../shared/bootlogs (target >= 150 MB/s; a console delivers 11.5 KB/s), against a peer in the same run over the same
 * 4 KiB chunks: a plain line split (decode each chunk, cut it at `\n`, one line object per line, trimmed), the floor any
 * line-by-line analyzer pays; the rounds alternate analyzer and peer so machine load hits both alike, (2) the latency from a line's last byte
 * written on a pty (socat) to its stage event reaching an API client (target p99 < 20 ms).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { BootAnalyzer } from '../../src-main/core/boot/analyzer.js';
import { startTestBackend } from '../support/backend.js';
import { createPtyCable } from '../support/socat.js';

const BOOTLOGS = join(__dirname, '..', '..', '..', 'shared', 'bootlogs');
const decodeText = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('utf8');

/** The peer: the same chunks split into trimmed line objects, nothing else; returns a checksum (kept live). */
function lineSplit(all: Buffer, reps: number): number {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < reps; i += 1) {
    for (let o = 0; o < all.length; o += 4096) {
      const text = decodeText(all.subarray(o, o + 4096));
      const lines: { n: number; t: number; text: string }[] = [];
      for (let from = 0, lf = text.indexOf('\n'); lf >= 0; from = lf + 1, lf = text.indexOf('\n', from)) {
        lines.push({ n: (n += 1), t: i, text: text.slice(from, lf).trim() });
      }
      sum += lines.length;
    }
  }
  return sum;
}

/** CPU seconds (user + system, every thread) since `from`: machine load from other processes barely changes it. */
function cpuSeconds(from: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(from);
  return (c.user + c.system) / 1e6;
}

function throughput(): void {
  const all = Buffer.concat(readdirSync(BOOTLOGS).filter((f) => f.endsWith('.log')).sort().map((f) => readFileSync(join(BOOTLOGS, f))));
  const reps = Math.ceil(64e6 / all.length);
  const mb = (reps * all.length) / 1e6;
  const runs: number[] = [];
  const peer: number[] = [];
  const cpuRuns: number[] = [];
  const cpuPeer: number[] = [];
  let sink = 0;
  for (let round = 0; round < 5; round += 1) {
    const a = new BootAnalyzer({ decodeText });
    let t0 = process.hrtime.bigint();
    let c0 = process.cpuUsage();
    for (let i = 0; i < reps; i += 1) for (let o = 0; o < all.length; o += 4096) a.push(all.subarray(o, o + 4096), i);
    a.end(0);
    runs.push(mb / (Number(process.hrtime.bigint() - t0) / 1e9));
    cpuRuns.push(mb / cpuSeconds(c0));
    t0 = process.hrtime.bigint();
    c0 = process.cpuUsage();
    sink += lineSplit(all, reps);
    peer.push(mb / (Number(process.hrtime.bigint() - t0) / 1e9));
    cpuPeer.push(mb / cpuSeconds(c0));
  }
  const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const ratios = runs.map((r, i) => r / peer[i]!);
  const cpuRatios = cpuRuns.map((r, i) => r / cpuPeer[i]!);
  console.log(`analyzer throughput: median ${median(runs).toFixed(1)} MB/s over ${mb.toFixed(0)} MB (${all.length} bytes of transcripts x ${reps}); target >= 150 MB/s`);
  console.log(`peer (plain line split of the same chunks): median ${median(peer).toFixed(1)} MB/s; analyzer/peer ${median(ratios).toFixed(3)} (rounds: ${ratios.map((r) => r.toFixed(3)).join(' ')}; ${sink > 0 ? 'checked' : 'empty'})`);
  // per CPU second: what the code costs whatever else the machine runs (wall-clock figures drop under load)
  console.log(`per CPU second: analyzer median ${median(cpuRuns).toFixed(1)} MB/s, peer ${median(cpuPeer).toFixed(1)} MB/s; analyzer/peer ${median(cpuRatios).toFixed(3)}; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`);
}

async function latency(): Promise<void> {
  const tb = await startTestBackend();
  const cable = await createPtyCable();
  const s = await tb.api.call('serial.open', { path: cable.host });
  const samples: number[] = [];
  let sentAt = 0;
  let resolveOne: (() => void) | null = null;
  tb.api.on('serial.boot', (p) => {
    if (p.sessionId === s.sessionId && p.events.some((e) => e.kind === 'dhcp-request')) {
      samples.push(Number(process.hrtime.bigint() - BigInt(sentAt)) / 1e6);
      resolveOne?.();
    }
  });
  cable.write('U-Boot 2023.01 (bench)\r\n');
  for (let i = 1; i <= 500; i += 1) {
    const got = new Promise<void>((r) => (resolveOne = r));
    sentAt = Number(process.hrtime.bigint());
    cable.write(`BOOTP broadcast ${i}\r\n`);
    await got;
    await new Promise((r) => setTimeout(r, 2));
  }
  samples.sort((a, b) => a - b);
  const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]!.toFixed(2);
  console.log(`pty byte -> stage event at the API: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms over ${samples.length} lines; target p99 < 20 ms`);
  await tb.api.call('serial.close', { sessionId: s.sessionId });
  await cable.close();
  await tb.close();
}

void (async () => {
  if (process.argv.includes('--throughput-only')) return throughput();
  throughput();
  await latency();
})();
