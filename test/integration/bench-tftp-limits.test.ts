import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BenchTftpServer, type TftpEvent } from '../../src-main/services/bench/tftp-server.js';

/** A TFTP client socket on 127.0.0.1 that collects what it receives. */
async function client(): Promise<{ s: Socket; got: { op: number; bytes: Buffer; port: number }[] }> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const got: { op: number; bytes: Buffer; port: number }[] = [];
  s.on('message', (m, rinfo) => got.push({ op: m.readUInt16BE(0), bytes: m, port: rinfo.port }));
  return { s, got };
}
const rrq = (name: string, ...opts: string[]): Buffer => Buffer.concat([Buffer.from([0, 1]), ...[name, 'octet', ...opts].map((x) => Buffer.from(`${x}\0`))]);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('bench TFTP server on real sockets: limits that keep it from being wedged', () => {
  let dir: string;
  let root: string;
  let server: BenchTftpServer;
  const events: TftpEvent[] = [];
  const drops: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wb-tftp-'));
    root = join(dir, 'root');
    mkdirSync(join(root, 'boot', 'rpi-4-b'), { recursive: true });
    writeFileSync(join(root, 'boot', 'rpi-4-b', 'start.uboot'), Buffer.alloc(5000, 7));
    server = new BenchTftpServer({
      address: '127.0.0.1',
      port: 0,
      root,
      modelOf: () => 'rpi-4-b',
      onEvent: (e) => events.push(e),
      onDrop: (kind, source, cause) => drops.push(`${kind} ${source} ${cause}`),
    });
    await server.start();
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a client that starts 6 reads and never ACKs holds 4 transfers; the others get ERROR 0 "server busy"', async () => {
    const clients = await Promise.all(Array.from({ length: 6 }, () => client()));
    for (const c of clients) c.s.send(rrq('start.uboot'), server.port!, '127.0.0.1');
    await sleep(300);
    const data = clients.filter((c) => c.got[0]?.op === 3).length;
    const busy = clients.filter((c) => c.got[0]?.op === 5 && /server busy: 4 transfers to 127\.0\.0\.1 already running/.test(c.got[0].bytes.toString('latin1', 4)));
    assert.deepEqual([data, busy.length], [4, 2]);
    assert.equal(server.activeTransfers, 4);
    // The silent client's transfers end after their retransmissions (1 s x 5), and the slots come back.
    for (const c of clients) c.s.close();
    await sleep(6500);
    assert.equal(server.activeTransfers, 0);
    assert.equal(events.filter((e) => e.result === 'timeout').length, 4);
  });

  it('a retransmitted RRQ (same client port) joins its transfer instead of starting a second one', async () => {
    const c = await client();
    const started = events.filter((e) => e.result === 'started').length;
    for (let i = 0; i < 3; i += 1) c.s.send(rrq('start.uboot', 'blksize', '1468'), server.port!, '127.0.0.1');
    await sleep(200);
    assert.equal(events.filter((e) => e.result === 'started').length, started + 1);
    // Finish it the RFC way: OACK -> ACK 0, DATA n -> ACK n; garbage in between is counted, not fatal.
    let done = false;
    for (let round = 0; round < 20 && !done; round += 1) {
      const last = c.got.at(-1)!;
      c.s.send(Buffer.from([0, 9]), last.port, '127.0.0.1');
      c.s.send(Buffer.from([0, 4, last.op === 6 ? 0 : last.bytes[2]!, last.op === 6 ? 0 : last.bytes[3]!]), last.port, '127.0.0.1');
      await sleep(50);
      done = events.some((e) => e.result === 'complete');
    }
    const complete = events.find((e) => e.result === 'complete')!;
    assert.deepEqual([complete.bytes, complete.blksize], [5000, 1468]);
    assert.ok(drops.some((d) => /^malformed 127\.0\.0\.1 in a transfer: packet too short \(2 bytes\)/.test(d)), drops.join('\n'));
    c.s.close();
  });

  it('the image root removed under a running server: the request is counted, the server keeps serving', async () => {
    rmSync(root, { recursive: true, force: true });
    const c = await client();
    c.s.send(rrq('start.uboot'), server.port!, '127.0.0.1');
    await sleep(200);
    assert.ok(drops.some((d) => /^malformed 127\.0\.0\.1 request not handled: ENOENT/.test(d)), drops.join('\n'));
    mkdirSync(join(root, 'boot', 'rpi-4-b'), { recursive: true });
    writeFileSync(join(root, 'boot', 'rpi-4-b', 'start.uboot'), 'x');
    c.s.send(rrq('start.uboot'), server.port!, '127.0.0.1');
    await sleep(1100);
    const c2 = await client();
    c2.s.send(rrq('start.uboot'), server.port!, '127.0.0.1');
    await sleep(200);
    assert.deepEqual([c2.got[0]?.op, c2.got[0]?.bytes.length], [3, 5], 'DATA block 1 with the 1-byte file');
    c.s.close();
    c2.s.close();
  });
});
