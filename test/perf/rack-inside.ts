/**
 * The two halves of bench:rack, each started by rack.bench.ts with `ip netns exec`:
 * - `server <iface> <map.json> <timeoutS>` (the bench's namespace): a backend running check.rackStart on the link
 *   with the expect map; prints `{"ready":true}` once it listens, then one JSON line per check.rackEvent stamped with
 *   the machine's monotonic clock (process.hrtime: one clock for both processes), then the final snapshot.
 *   With BENCH_UI_ROOT (the built renderer) it also serves the UI (a station on 127.0.0.1 in that namespace, its URL
 *   in the ready line) and, after the snapshot, waits for its stdin to close before it stops.
 * - `clients <iface> <serverIp> <boards.json>` (the boards' namespace): every simulated board at once sends a raw
 *   DHCP DISCOVER with its walt.node.* vendor class, REQUESTs the offered address, takes it on the link (/32) and
 *   reads start.uboot by TFTP from it; prints one JSON line per board with the time each packet was sent.
 */
import { execFile } from 'node:child_process';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeDhcp, encodeDhcp, type DhcpPacket } from '../../src-main/core/net/dhcp.js';
import { decodeTftp, encodeTftp } from '../../src-main/core/net/tftp.js';
import { createBackend } from '../../src-main/services/backend.js';
import { inProcessClient } from '../../src-main/transports/in-process/client.js';
import { startStation } from '../../src-main/transports/station/station-server.js';

const run = promisify(execFile);
// CLOCK_MONOTONIC is one clock for the whole machine: comparable between the two processes (performance.timeOrigin
// is not: each process fixes its own at start, and two of them were seen up to a second apart)
const wall = (): number => Number(process.hrtime.bigint()) / 1e6;
/** The link's broadcast address (the boards' end has no default route for 255.255.255.255). */
const BROADCAST = '192.168.152.255';
/** A DISCOVER unanswered for this long is sent again. */
const RETRANSMIT_MS = 1000;
const print = (o: unknown): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
/**
 * The boards' sockets take their (literal) addresses as they are: with dgram's default lookup (dns.lookup, which
 * answers an IP address on the next tick) a datagram left only after the synchronous code around its send, so a
 * time stamped at send() was up to 7 ms early in the 50-board burst (strace: sendmsg after the next board's setup).
 * With this, sendmsg runs inside send(), right after the stamp.
 */
const udp4 = { type: 'udp4' as const, lookup: (address: string, _o: unknown, done: (e: Error | null, a: string, f: number) => void) => done(null, address, 4) };

/** One simulated board: its MAC and the vendor class it sends. */
export interface SimBoard {
  mac: string;
  vci: string;
}

/** What a simulated board did, with the wall-clock time each packet left. */
export interface SimResult {
  mac: string;
  ip: string | null;
  bytes: number;
  /** Every DISCOVER sent (a board retransmits until offered, as U-Boot does: the bench limits new boards/s). */
  discoverAt: number[];
  /** Every RRQ sent (resent after a second without DATA, as U-Boot does: the bench runs 32 transfers at once). */
  rrqAt: number[];
  lastAckAt: number | null;
  error: string | null;
}

async function server(iface: string, mapFile: string, timeoutS: number): Promise<void> {
  const backend = await createBackend({ home: mkdtempSync(join(tmpdir(), 'wb-rackbench-')), pollMs: 60000 });
  const api = inProcessClient(backend.dispatcher);
  const map = JSON.parse(readFileSync(mapFile, 'utf8')) as Record<string, string>;
  const done = new Promise<unknown>((resolve) => api.on('check.rackDone', resolve));
  api.on('check.rackEvent', (e) => print({ event: e.kind, check: e.check, mac: e.board.mac, verdict: e.board.verdict, at: wall() }));
  await api.call('check.rackStart', { iface, expect: { kind: 'map', map }, mode: 'serve', timeoutS });
  // BENCH_UI_ROOT (the built renderer): the same backend also serves the UI, so a browser watches this very check
  const ui = process.env.BENCH_UI_ROOT
    ? await startStation({ dispatcher: backend.dispatcher, staticRoot: process.env.BENCH_UI_ROOT, uploadDir: mkdtempSync(join(tmpdir(), 'wb-rackbench-up-')), port: 0 })
    : null;
  print({ ready: true, url: ui?.url ?? null });
  print({ snapshot: await done });
  await api.call('check.rackStop', {}).catch(() => undefined);
  // the browser reads the last rows before the station goes (the bench closes it, then this process' stdin)
  if (ui) await new Promise((r) => process.stdin.once('close', r).resume());
  await ui?.close();
  await backend.close();
}

/** Resolves with the first packet the matcher accepts, or rejects after ms. */
function awaitPacket<T>(sock: Socket, match: (msg: Buffer, from: RemoteInfo) => T | null, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sock.off('message', on);
      reject(new Error(`no ${what} within ${ms} ms`));
    }, ms);
    const on = (msg: Buffer, from: RemoteInfo): void => {
      let got: T | null = null;
      try {
        got = match(msg, from);
      } catch {
        got = null;
      }
      if (got === null) return;
      clearTimeout(timer);
      sock.off('message', on);
      resolve(got);
    };
    sock.on('message', on);
  });
}

async function oneBoard(dhcp: Socket, iface: string, serverIp: string, b: SimBoard, xid: number): Promise<SimResult> {
  const r: SimResult = { mac: b.mac, ip: null, bytes: 0, discoverAt: [], rrqAt: [], lastAckAt: null, error: null };
  const reply = (type: string) => (msg: Buffer): DhcpPacket | null => {
    const p = decodeDhcp(new Uint8Array(msg));
    return p.op === 'reply' && p.xid === xid && p.options.messageType === type ? p : null;
  };
  try {
    const offer = awaitPacket(dhcp, reply('OFFER'), 20_000, 'OFFER');
    const discover = encodeDhcp({ op: 'request', xid, chaddr: b.mac, broadcast: true, options: { messageType: 'DISCOVER', vendorClass: b.vci } });
    const send = (): void => {
      r.discoverAt.push(wall());
      dhcp.send(discover, 67, BROADCAST);
    };
    send();
    const again = setInterval(send, RETRANSMIT_MS);
    const o = await offer.finally(() => clearInterval(again));
    const ack = awaitPacket(dhcp, reply('ACK'), 10_000, 'ACK');
    dhcp.send(
      encodeDhcp({ op: 'request', xid, chaddr: b.mac, broadcast: true, options: { messageType: 'REQUEST', vendorClass: b.vci, requestedIp: o.yiaddr, serverId: o.options.serverId ?? serverIp } }),
      67,
      BROADCAST,
    );
    const a = await ack;
    r.ip = a.yiaddr;
    await run('ip', ['addr', 'add', `${r.ip}/32`, 'dev', iface]);
    const tftp = createSocket(udp4);
    await new Promise<void>((res) => tftp.bind(0, r.ip!, () => res()));
    try {
      // each DATA block from the server's transfer port; the ACK goes back to that port
      const dataBlock = (n: number) => (m: Buffer, from: RemoteInfo): { data: Uint8Array; port: number } | null => {
        const p = decodeTftp(new Uint8Array(m));
        return p.op === 'DATA' && p.block === n ? { data: p.data, port: from.port } : null;
      };
      let block = 1;
      let data = awaitPacket(tftp, dataBlock(1), 20_000, 'DATA 1');
      const rrq = encodeTftp({ op: 'RRQ', filename: 'start.uboot', mode: 'octet', options: {} });
      const ask = (): void => {
        r.rrqAt.push(wall());
        tftp.send(rrq, 69, serverIp);
      };
      ask();
      const again = setInterval(ask, RETRANSMIT_MS);
      void data.finally(() => clearInterval(again)).catch(() => undefined);
      for (;;) {
        const d = await data;
        r.bytes += d.data.length;
        const last = d.data.length < 512;
        if (!last) data = awaitPacket(tftp, dataBlock(block + 1), 10_000, `DATA ${block + 1}`);
        r.lastAckAt = wall();
        // sent before the socket closes: a send still queued when it closes is lost
        await new Promise<void>((res, rej) => tftp.send(encodeTftp({ op: 'ACK', block }), d.port, serverIp, (e) => (e ? rej(e) : res())));
        if (last) break;
        block += 1;
      }
    } finally {
      tftp.close();
    }
  } catch (e) {
    r.error = (e as Error).message;
  }
  return r;
}

async function clients(iface: string, serverIp: string, boardsFile: string): Promise<void> {
  const boards = JSON.parse(readFileSync(boardsFile, 'utf8')) as SimBoard[];
  const dhcp = createSocket({ ...udp4, reuseAddr: true });
  await new Promise<void>((r) => dhcp.bind(68, '0.0.0.0', () => r()));
  dhcp.setBroadcast(true);
  const results = await Promise.all(boards.map((b, i) => oneBoard(dhcp, iface, serverIp, b, 0x7a000 + i)));
  dhcp.close();
  for (const r of results) print(r);
}

const [role, a1, a2, a3] = process.argv.slice(2);
if (role === 'server') void server(a1!, a2!, Number(a3 ?? 60));
else if (role === 'clients') void clients(a1!, a2!, a3!);
else {
  process.stderr.write('usage: rack-inside.ts server <iface> <map.json> <timeoutS> | clients <iface> <serverIp> <boards.json>\n');
  process.exit(2);
}
