import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeDhcp, encodeDhcp, type DhcpPacketToWrite } from '../../../../src-main/core/net/dhcp.js';
import { LeasePool } from '../../../../src-main/core/net/dhcp-leases.js';
import { BenchDhcp, type BenchDhcpConfig, type ReplyDecision } from '../../../../src-main/core/net/dhcp-reply.js';
import { DropTally } from '../../../../src-main/core/net/drop-tally.js';
import { KeyedRateLimit, TokenBucket } from '../../../../src-main/core/net/rate-limit.js';
import { BENCH_DHCP_CONFIG } from '../../../support/bench-dhcp.js';

const config: BenchDhcpConfig = BENCH_DHCP_CONFIG;
const BOARD = '52:54:00:12:34:56';

/** A seeded random MAC (locally administered, unicast). */
function randomMacs(seed: number): () => string {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const b = [0x02, s & 255, (s >>> 8) & 255, (s >>> 16) & 255, (s >>> 24) & 255, (s >>> 4) & 255];
    return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
  };
}

/** Sends a client packet through the real codec (encode, decode) and decides at `now`. */
function send(dhcp: BenchDhcp, now: number, mac: string, type: 'DISCOVER' | 'REQUEST' | 'RELEASE' | 'DECLINE' | 'INFORM', extra: Partial<DhcpPacketToWrite> & { requestedIp?: string; serverId?: string } = {}): ReplyDecision {
  const { requestedIp, serverId, ...fields } = extra;
  const bytes = encodeDhcp({
    op: 'request',
    xid: 7,
    chaddr: mac,
    ...fields,
    options: { messageType: type, vendorClass: 'walt.node.rpi-4-b', ...(requestedIp ? { requestedIp } : {}), ...(serverId ? { serverId } : {}) },
  });
  return dhcp.decide(decodeDhcp(bytes), now);
}

function offered(d: ReplyDecision): string {
  assert.ok(d.answer, `expected an answer, got: ${!d.answer ? d.reason : ''}`);
  assert.equal(d.reply.options.messageType, 'OFFER');
  return d.reply.yiaddr!;
}

/** DISCOVER then REQUEST, as U-Boot does; returns the decoded ACK. */
function boot(dhcp: BenchDhcp, now: number, mac: string): ReturnType<typeof decodeDhcp> {
  const ip = offered(send(dhcp, now, mac, 'DISCOVER'));
  const ack = send(dhcp, now + 5, mac, 'REQUEST', { requestedIp: ip, serverId: config.serverIp });
  assert.ok(ack.answer && ack.reply.options.messageType === 'ACK', `ACK for ${mac}`);
  return decodeDhcp(encodeDhcp(ack.reply));
}

describe('bench lease pool on an injected clock', () => {
  it('100 walt DISCOVERs from random MACs without REQUEST: rate-limited, never fill the range; a real board then gets an OFFER and an ACK', () => {
    const dhcp = new BenchDhcp(config);
    const mac = randomMacs(1);
    const decisions = Array.from({ length: 100 }, (_, i) => send(dhcp, i * 5, mac(), 'DISCOVER'));
    const answered = decisions.filter((d) => d.answer).length;
    const limited = decisions.filter((d) => !d.answer && d.drop === 'rate-limited').length;
    assert.equal(answered + limited, 100);
    assert.ok(answered <= dhcp.newClientsPerSecond * 2, `${answered} offers in half a second (limit ${dhcp.newClientsPerSecond}/s)`);
    assert.ok(dhcp.pool.counts(500).offered <= dhcp.pool.size / 2);
    // The board boots a second later (U-Boot retransmits anyway): OFFER, then ACK with the lease time.
    const ack = boot(dhcp, 1500, BOARD);
    assert.equal(ack.options.leaseTime, 3600);
    assert.deepEqual([...ack.options.raw.get(58)!], [0, 0, 0x07, 0x08], 'T1 = 1800 s');
    assert.deepEqual([...ack.options.raw.get(59)!], [0, 0, 0x0c, 0x4e], 'T2 = 3150 s');
  });

  it('a sustained flood of new MACs (1000/s for 60 s) never holds more than half the range: offers expire within seconds', () => {
    const dhcp = new BenchDhcp(config);
    const mac = randomMacs(2);
    let most = 0;
    for (let t = 0; t < 60_000; t += 1) {
      send(dhcp, t, mac(), 'DISCOVER');
      if (t % 500 === 0) most = Math.max(most, dhcp.pool.counts(t).offered);
    }
    assert.ok(most <= dhcp.pool.size / 2, `at most ${most} of ${dhcp.pool.size} addresses offered at once`);
    assert.equal(dhcp.pool.counts(60_000 + 4000).offered, 0, 'every unanswered offer expired 4 s after the flood');
    assert.ok(dhcp.pool.macsHeld <= dhcp.pool.size, 'the MAC index is bounded by the range');
    boot(dhcp, 65_000, BOARD);
  });

  it('an OFFER not followed by a REQUEST frees its address after 4 s; a lease expires after the lease time', () => {
    const dhcp = new BenchDhcp({ ...config, leaseSeconds: 60 });
    offered(send(dhcp, 0, BOARD, 'DISCOVER'));
    assert.equal(dhcp.pool.counts(3999).offered, 1);
    assert.equal(dhcp.pool.counts(4000).offered, 0);
    boot(dhcp, 10_000, BOARD);
    assert.equal(dhcp.pool.counts(10_000 + 59_999).bound, 1);
    assert.equal(dhcp.pool.counts(10_005 + 60_000).bound, 0);
  });

  it('a board that re-DISCOVERs gets its same address back: while bound, after its offer expired, after its lease expired', () => {
    const dhcp = new BenchDhcp({ ...config, leaseSeconds: 60 });
    const first = boot(dhcp, 0, BOARD).yiaddr;
    const mac = randomMacs(3);
    for (let i = 0; i < 5; i += 1) boot(dhcp, 1000 + i * 300, mac());
    assert.equal(offered(send(dhcp, 3000, BOARD, 'DISCOVER')), first, 'while bound');
    assert.equal(offered(send(dhcp, 200_000, BOARD, 'DISCOVER')), first, 'after its lease expired, nobody took the address');
  });

  it('a REQUEST for an address the bench did not offer gets a NAK (wrong address, outside the range, no offer at all, no address)', () => {
    const dhcp = new BenchDhcp(config);
    const ip = offered(send(dhcp, 0, BOARD, 'DISCOVER'));
    const other = ip === '192.168.152.150' ? '192.168.152.151' : '192.168.152.150';
    for (const [mac, requestedIp, why] of [
      [BOARD, other, `${other} was not offered to ${BOARD}`],
      [BOARD, '10.0.0.5', '10.0.0.5 is not in the bench range 192.168.152.100-192.168.152.199'],
      ['52:54:00:99:99:99', ip, `${ip} was not offered to 52:54:00:99:99:99`],
    ] as const) {
      const d = send(dhcp, 10, mac, 'REQUEST', { requestedIp, serverId: config.serverIp });
      assert.ok(d.answer && d.reply.options.messageType === 'NAK', why);
      assert.equal(new TextDecoder().decode(d.reply.options.extra![0]![1]), why, 'option 56 says why');
      assert.equal(d.reply.yiaddr, '0.0.0.0');
    }
    const none = send(dhcp, 20, BOARD, 'REQUEST');
    assert.ok(none.answer && none.reply.options.messageType === 'NAK');
    // The NAKs took nothing away: the board's own REQUEST is still ACKed.
    const ack = send(dhcp, 30, BOARD, 'REQUEST', { requestedIp: ip, serverId: config.serverIp });
    assert.ok(ack.answer && ack.reply.options.messageType === 'ACK' && ack.reply.yiaddr === ip);
  });

  it('RENEW (ciaddr, no option 50) of its own lease is ACKed; a REQUEST to another server withdraws our offer', () => {
    const dhcp = new BenchDhcp(config);
    const ip = boot(dhcp, 0, BOARD).yiaddr;
    const renew = send(dhcp, 1000, BOARD, 'REQUEST', { ciaddr: ip });
    assert.ok(renew.answer && renew.reply.options.messageType === 'ACK' && renew.reply.yiaddr === ip);
    const other = '52:54:00:00:00:77';
    offered(send(dhcp, 2000, other, 'DISCOVER'));
    const away = send(dhcp, 2001, other, 'REQUEST', { requestedIp: '192.168.152.120', serverId: '192.168.152.2' });
    assert.ok(!away.answer && /chose another server/.test(away.reason));
    assert.equal(dhcp.pool.bindingOf(other, 2002), null);
  });

  it('RELEASE frees the address (the board gets it back later); DECLINE frees it and holds it back for 60 s; from another MAC both are ignored', () => {
    const dhcp = new BenchDhcp(config);
    const ip = boot(dhcp, 0, BOARD).yiaddr;
    const stranger = send(dhcp, 10, '52:54:00:00:00:99', 'RELEASE', { ciaddr: ip, serverId: config.serverIp });
    assert.ok(!stranger.answer && /does not hold/.test(stranger.reason));
    assert.equal(dhcp.pool.counts(11).bound, 1);
    const release = send(dhcp, 20, BOARD, 'RELEASE', { ciaddr: ip, serverId: config.serverIp });
    assert.ok(!release.answer && release.reason === `RELEASE: ${ip} freed`);
    assert.equal(dhcp.pool.counts(21).bound, 0);
    assert.equal(boot(dhcp, 1000, BOARD).yiaddr, ip, 'released, then given back to the same board');
    const decline = send(dhcp, 2000, BOARD, 'DECLINE', { requestedIp: ip, serverId: config.serverIp });
    assert.ok(!decline.answer && /freed and held back/.test(decline.reason));
    assert.equal(dhcp.pool.counts(2001).declined, 1);
    assert.notEqual(boot(dhcp, 3000, BOARD).yiaddr, ip, 'a declined address is not offered again at once');
    assert.equal(dhcp.pool.counts(2000 + 60_000).declined, 0, 'back in the pool after the hold');
  });

  it('one MAC over 4 requests/s (burst 8) is rate-limited without touching the others', () => {
    const dhcp = new BenchDhcp(config);
    const looping = Array.from({ length: 100 }, (_, i) => send(dhcp, i, BOARD, 'DISCOVER'));
    assert.equal(looping.filter((d) => d.answer).length, 8);
    assert.ok(looping.slice(8).every((d) => !d.answer && d.drop === 'rate-limited' && /sends faster than 4 requests\/s/.test(d.reason)));
    boot(dhcp, 100, '52:54:00:00:00:01');
    assert.equal(dhcp.pool.counts(200).offered + dhcp.pool.counts(200).bound, 2, 'the looping MAC holds one address, never more');
    assert.ok(send(dhcp, 2100, BOARD, 'DISCOVER').answer, 'and is answered again once it slows down');
  });

  it('a range full of leases answers no new board (said so), but a pending offer of another MAC is taken back before that', () => {
    const small = { ...config, rangeStart: '192.168.152.100', rangeEnd: '192.168.152.102' };
    const dhcp = new BenchDhcp(small);
    boot(dhcp, 0, '52:54:00:00:00:01');
    boot(dhcp, 2000, '52:54:00:00:00:02');
    offered(send(dhcp, 4000, '52:54:00:00:00:03', 'DISCOVER'));
    const late = offered(send(dhcp, 6000, BOARD, 'DISCOVER'));
    assert.equal(dhcp.pool.bindingOf('52:54:00:00:00:03', 6001), null, 'the older pending offer was taken back');
    assert.ok(send(dhcp, 6005, BOARD, 'REQUEST', { requestedIp: late, serverId: config.serverIp }).answer);
    const full = send(dhcp, 8000, '52:54:00:00:00:04', 'DISCOVER');
    assert.ok(!full.answer && full.drop === 'range-full' && full.reason === 'the bench range is full (3 leased, 0 declined)');
  });

  it('the pool refuses a range it cannot hold, and skips the server address', () => {
    assert.throws(() => new LeasePool({ start: '10.0.0.1', end: '10.0.255.255', serverIp: '10.0.0.1' }, { offerMs: 1, leaseMs: 1, declineMs: 1 }), /must hold 1 to 1024 addresses/);
    assert.equal(new LeasePool({ start: '10.0.0.1', end: '10.0.0.10', serverIp: '10.0.0.5' }, { offerMs: 1, leaseMs: 1, declineMs: 1 }).size, 9);
  });

  it('answers only walt bootloaders, whatever the pool state', () => {
    const dhcp = new BenchDhcp(config);
    const d = dhcp.decide(decodeDhcp(encodeDhcp({ op: 'request', xid: 1, chaddr: BOARD, options: { messageType: 'DISCOVER', vendorClass: 'U-Boot.armv8' } })), 0);
    assert.ok(!d.answer && d.drop === 'ignored' && /not a WalT bootloader \(U-Boot\.armv8\)/.test(d.reason));
    assert.equal(dhcp.pool.counts(0).offered, 0);
  });
});

describe('rate limits and the drop tally: bounded memory', () => {
  it('a token bucket refills at its rate and never beyond its burst', () => {
    const b = new TokenBucket(2, 3);
    assert.deepEqual([0, 0, 0, 0].map(() => b.take(0)), [true, true, true, false]);
    assert.equal(b.take(499), false);
    assert.equal(b.take(500), true);
    assert.deepEqual([1, 2, 3, 4].map(() => b.take(100_000)), [true, true, true, false]);
  });

  it('a keyed limit holds at most maxKeys buckets under a flood of random keys', () => {
    const l = new KeyedRateLimit(1, 1, 100);
    const mac = randomMacs(4);
    for (let i = 0; i < 100_000; i += 1) l.take(mac(), i);
    assert.equal(l.size, 100);
  });

  it('the tally says "first" once per source, names at most maxSources, sums the rest, and summarizes only what is new', () => {
    const t = new DropTally(3);
    assert.equal(t.record('malformed', '10.0.0.7', 'packet too short (4 bytes)', 0).first, true);
    assert.equal(t.record('malformed', '10.0.0.7', 'unknown opcode 9', 1).first, false);
    assert.equal(t.record('malformed', '10.0.0.7', 'unknown opcode 9', 2).first, false);
    for (let i = 0; i < 1000; i += 1) t.record('malformed', `10.0.1.${i}`, 'x', 3);
    const s = t.summary();
    assert.deepEqual([s.malformed, s.sources.length, s.otherSources], [1003, 3, 998]);
    assert.deepEqual(s.sources[0], { source: '10.0.0.7', kind: 'malformed', count: 3, lastCause: 'unknown opcode 9', firstAt: 0, lastAt: 2 });
    const news = t.takeNews(1)!;
    assert.equal(news.lines[0], '3 malformed from 10.0.0.7 (unknown opcode 9)');
    assert.equal(news.more, 2 + 998);
    assert.equal(t.takeNews(), null, 'nothing new, no line');
  });
});
