/**
 * Run inside a test namespace (`ip netns exec NS node --import tsx net-fuzzer.ts <server ip> <count>`): sends random
 * and mutated DHCP and TFTP packets at the bench and counts every DHCP reply and TFTP DATA/OACK it gets back.
 * Prints one JSON line: {"sent":N,"dhcpReplies":N,"tftpData":N}.
 * With a third argument `hostile` it runs the hostile suite of net-hostile.ts instead (header fields and options at
 * their limits, TFTP at its limits, a flood of walt DISCOVERs from random MACs, then a proper walt client).
 */
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runHostile } from './net-hostile.js';

const [serverIp, countArg, mode] = process.argv.slice(2);
const count = Number(countArg ?? 20000);
const captures = (JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'net', 'dhcp-captures.json'), 'utf8')) as { packets: { hex: string }[] }).packets.map(
  (p) => Buffer.from(p.hex, 'hex'),
);
const broadcast = serverIp!.split('.').slice(0, 3).join('.') + '.255';
let seed = 42;
const rand = (): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};

async function main(): Promise<void> {
  const dhcp = createSocket({ type: 'udp4', reuseAddr: true });
  const tftp = createSocket('udp4');
  await new Promise<void>((r) => dhcp.bind(68, '0.0.0.0', () => r()));
  await new Promise<void>((r) => tftp.bind(0, '0.0.0.0', () => r()));
  dhcp.setBroadcast(true);
  let dhcpReplies = 0;
  let tftpData = 0;
  dhcp.on('message', (m) => {
    if (m[0] === 2) dhcpReplies += 1;
  });
  tftp.on('message', (m) => {
    if (m[1] === 3 || m[1] === 6) tftpData += 1;
  });
  for (let i = 0; i < count; i += 1) {
    let packet: Buffer;
    if (i % 2 === 0) {
      packet = Buffer.from(captures[i % captures.length]!);
      // Mutations keep no walt class intact: every mutated client is garbage or a non-walt client.
      packet[0] = 1;
      const vci = packet.indexOf('walt.node');
      if (vci >= 0) packet.write('xxxx', vci);
      for (let f = 0; f < 1 + Math.floor(rand() * 6); f += 1) packet[Math.floor(rand() * packet.length)] = Math.floor(rand() * 256);
      dhcp.send(packet, 67, broadcast);
    } else {
      packet = Buffer.from(Array.from({ length: Math.floor(rand() * 80) }, () => Math.floor(rand() * 256)));
      if (i % 4 === 1 && packet.length >= 2) packet.writeUInt16BE(1, 0); // RRQ-looking garbage
      tftp.send(packet, 69, serverIp);
    }
    if (i % 200 === 0) await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => setTimeout(r, 1500));
  process.stdout.write(JSON.stringify({ sent: count, dhcpReplies, tftpData }) + '\n');
  dhcp.close();
  tftp.close();
}

if (mode === 'hostile') void runHostile(serverIp!).then((r) => process.stdout.write(JSON.stringify(r) + '\n'));
else void main();
