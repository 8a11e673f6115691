/**
 * The in-namespace half of bench:net (started by net.bench.ts with `ip netns exec`): either a TFTP server serving
 * <root>/boot/bench/ (role "tftp"), or the bench DHCP service answering 50 simulated walt clients (role "dhcp").
 * Prints one JSON line with its figures.
 */
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeDhcp, encodeDhcp } from '../../src-main/core/net/dhcp.js';
import { createBackend } from '../../src-main/services/backend.js';
import { BenchTftpServer } from '../../src-main/services/bench/tftp-server.js';
import { inProcessClient } from '../../src-main/transports/in-process/client.js';

const [role, arg1, arg2] = process.argv.slice(2);

async function tftp(root: string, address: string): Promise<void> {
  const server = new BenchTftpServer({ address, root, modelOf: () => 'bench', onEvent: () => undefined });
  await server.start();
  process.stdout.write(JSON.stringify({ ready: true }) + '\n');
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  await server.stop();
}

async function dhcp(iface: string, clients: number): Promise<void> {
  const backend = await createBackend({ home: mkdtempSync(join(tmpdir(), 'wb-netbench-')), pollMs: 60000 });
  const api = inProcessClient(backend.dispatcher);
  const latencies: number[] = [];
  api.on('bench.dhcp', (s) => {
    if (s.direction === 'client') latencies.push(performance.now() - s.at);
  });
  const state = await api.call('bench.start', { iface, mode: 'serve' });
  const sock = createSocket({ type: 'udp4', reuseAddr: true });
  await new Promise<void>((r) => sock.bind(68, '0.0.0.0', () => r()));
  sock.setBroadcast(true);
  const offered = new Map<number, number>();
  const sentAt = new Map<number, number>();
  sock.on('message', (msg) => {
    try {
      const p = decodeDhcp(new Uint8Array(msg));
      if (p.op === 'reply' && p.options.messageType === 'OFFER' && sentAt.has(p.xid) && !offered.has(p.xid)) {
        offered.set(p.xid, performance.now() - sentAt.get(p.xid)!);
      }
    } catch {
      // not ours
    }
  });
  const broadcast = state.ip!.split('.').slice(0, 3).join('.') + '.255';
  for (let i = 0; i < clients; i += 1) {
    const xid = 0x5000 + i;
    const mac = `02:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
    const packet = encodeDhcp({ op: 'request', xid, chaddr: mac, broadcast: true, options: { messageType: 'DISCOVER', vendorClass: `walt.node.sim-${i % 5}` } });
    sentAt.set(xid, performance.now());
    sock.send(packet, 67, broadcast);
  }
  const deadline = Date.now() + 5000;
  while (offered.size < clients && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  sock.close();
  await api.call('bench.stop', {});
  await backend.close();
  const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
  const p99 = (xs: number[]): number => sorted(xs)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))] ?? NaN;
  process.stdout.write(
    JSON.stringify({ clients, answered: offered.size, eventP99Ms: p99(latencies), eventMaxMs: Math.max(...latencies), offerP99Ms: p99([...offered.values()]) }) + '\n',
  );
}

if (role === 'tftp') void tftp(arg1!, arg2!);
else if (role === 'dhcp') void dhcp(arg1!, Number(arg2 ?? 50));
else {
  process.stderr.write('usage: net-inside.ts tftp <root> <address> | dhcp <iface> [clients]\n');
  process.exit(2);
}
