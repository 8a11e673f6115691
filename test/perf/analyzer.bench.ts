/**
 * `npm run bench:analyzer`: (1) the boot analyzer's throughput over the concatenated transcripts of
 * ../shared/bootlogs (target >= 150 MB/s; a console delivers 11.5 KB/s), (2) the latency from a line's last byte
 * written on a pty (socat) to its stage event reaching an API client (target p99 < 20 ms).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BootAnalyzer } from '../../src-main/core/boot/analyzer.js';
import { startTestBackend } from '../support/backend.js';
import { createPtyCable } from '../support/socat.js';

const BOOTLOGS = join(__dirname, '..', '..', '..', 'shared', 'bootlogs');
const decodeText = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('utf8');

function throughput(): void {
  const all = Buffer.concat(readdirSync(BOOTLOGS).filter((f) => f.endsWith('.log')).sort().map((f) => readFileSync(join(BOOTLOGS, f))));
  const reps = Math.ceil(64e6 / all.length);
  const runs: number[] = [];
  for (let round = 0; round < 3; round += 1) {
    const a = new BootAnalyzer({ decodeText });
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < reps; i += 1) for (let o = 0; o < all.length; o += 4096) a.push(all.subarray(o, o + 4096), i);
    a.end(0);
    runs.push((reps * all.length) / 1e6 / (Number(process.hrtime.bigint() - t0) / 1e9));
  }
  runs.sort((x, y) => x - y);
  console.log(`analyzer throughput: median ${runs[1]!.toFixed(1)} MB/s over ${((reps * all.length) / 1e6).toFixed(0)} MB (${all.length} bytes of transcripts x ${reps}); target >= 150 MB/s`);
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
  throughput();
  await latency();
})();
