import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PacketError } from '../../../../src-main/core/net/bytes.js';
import { decodeDhcp } from '../../../../src-main/core/net/dhcp.js';
import { BenchDhcp, type BenchDhcpConfig } from '../../../../src-main/core/net/dhcp-reply.js';
import { decodeTftp } from '../../../../src-main/core/net/tftp.js';
import { BENCH_DHCP_CONFIG } from '../../../support/bench-dhcp.js';

const captures = (JSON.parse(readFileSync(join(__dirname, '../../../fixtures/net/dhcp-captures.json'), 'utf8')) as { packets: { hex: string }[] }).packets.map(
  (p) => new Uint8Array(Buffer.from(p.hex, 'hex')),
);
const config: BenchDhcpConfig = BENCH_DHCP_CONFIG;

/** A small seeded PRNG so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('fuzzing the packet codecs (10^5 packets)', () => {
  it('random and mutated DHCP/TFTP packets: only PacketErrors, and no answer to anything that is not a walt request', () => {
    const r = rng(20261122);
    let decoded = 0;
    let answered = 0;
    const dhcp = new BenchDhcp(config);
    for (let i = 0; i < 100_000; i += 1) {
      let bytes: Uint8Array;
      if (i % 2 === 0) {
        bytes = captures[i % captures.length]!.slice();
        const flips = 1 + Math.floor(r() * 8);
        for (let f = 0; f < flips; f += 1) bytes[Math.floor(r() * bytes.length)] = Math.floor(r() * 256);
        if (r() < 0.2) bytes = bytes.subarray(0, Math.floor(r() * bytes.length));
      } else {
        bytes = Uint8Array.from({ length: Math.floor(r() * 600) }, () => Math.floor(r() * 256));
      }
      for (const decode of [decodeDhcp, decodeTftp]) {
        try {
          const p = decode(bytes);
          if (decode === decodeDhcp) {
            decoded += 1;
            const d = dhcp.decide(p as ReturnType<typeof decodeDhcp>, i);
            if (d.answer) {
              answered += 1;
              const q = p as ReturnType<typeof decodeDhcp>;
              assert.equal(q.op, 'request');
              assert.ok(d.identity.kind === 'walt' || d.identity.kind === 'rpi-firmware', 'answers only walt bootloaders');
            }
          }
        } catch (error) {
          assert.ok(error instanceof PacketError, `packet ${i}: ${(error as Error).stack}`);
        }
      }
    }
    assert.ok(decoded > 10_000, `${decoded} mutated packets still decoded`);
    assert.ok(answered > 0, 'some mutated walt requests are still answered (the decision is not trivially "never")');
  });
});
