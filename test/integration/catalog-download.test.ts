import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bmapCandidates } from '../../src-main/services/flash/bmap-source.js';
import { startTestBackend, type TestBackend } from '../support/backend.js';

describe('catalog downloads from a local HTTP server (127.0.0.1)', () => {
  let t: TestBackend;
  let server: Server;
  let base = '';
  const body = randomBytes(3 << 20);
  const sha = createHash('sha256').update(body).digest('hex');
  const ranges: string[] = [];
  let cutFirst = true;
  let online = true;
  /** Other files the server holds, by URL path. */
  const files = new Map<string, Buffer>();

  before(async () => {
    t = await startTestBackend();
    server = createServer((req, res) => {
      if (!online) return void res.socket?.destroy();
      const range = req.headers.range;
      ranges.push(range ?? 'none');
      const served = files.get(req.url ?? '');
      if (served) return void res.writeHead(200, { 'content-length': String(served.length) }).end(served);
      if (req.url === '/rpi-4-sd-recovery.tar.gz' || req.url === '/bad.tar.gz') {
        const from = range ? Number(/bytes=(\d+)-/.exec(range)![1]) : 0;
        res.writeHead(range ? 206 : 200, { 'content-length': String(body.length - from) });
        if (cutFirst && !range) {
          cutFirst = false;
          res.write(body.subarray(0, 1 << 20), () => res.socket?.destroy()); // the link drops after 1 MiB
          return;
        }
        res.end(body.subarray(from));
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.close();
    await t.close();
  });

  function catalog(artifacts: object[]): string {
    const path = join(t.dir, `catalog-${ranges.length}.json`);
    writeFileSync(path, JSON.stringify({
      version: 1, name: 'test', baseUrl: base,
      artifacts,
      models: [{ id: 'rpi-4-b', title: 'Pi 4', artifact: (artifacts[0] as { id?: string } | undefined)?.id ?? null, medium: 'sd-card-once', why: 'EEPROM', after: 'no card' }],
    }));
    return path;
  }

  it('resumes a broken download with Range, checks sha256, caches it, then works offline', async () => {
    const cat = catalog([{ id: 'rec4', kind: 'rpi-4-recovery', file: 'rpi-4-sd-recovery.tar.gz', title: 'r', sha256: sha, size: body.length, write: 'build-card' }]);
    await assert.rejects(t.api.call('catalog.download', { artifact: 'rpi-4-b', catalog: cat }));
    const progress: number[] = [];
    const off = t.api.on('catalog.progress', (p) => progress.push(p.bytes));
    const got = await t.api.call('catalog.download', { artifact: 'rpi-4-b', catalog: cat });
    off();
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(ranges.at(-1)!)?.[1]);
    assert.ok(resumedAt > 0 && resumedAt <= 1 << 20, `resumed with ${ranges.at(-1)}`);
    assert.equal(got.sha256, sha);
    assert.equal(got.fromCache, false);
    assert.ok(progress.at(-1) === body.length);
    online = false;
    const again = await t.api.call('catalog.download', { artifact: 'rec4', catalog: cat });
    assert.equal(again.fromCache, true);
    const listed = await t.api.call('catalog.get', { catalog: cat });
    assert.equal(listed.cached.rec4?.sha256, sha);
    online = true;
  });

  it('refuses a checksum mismatch and keeps it out of the cache', async () => {
    const cat = catalog([{ id: 'bad', kind: 'rpi-4-recovery', file: 'bad.tar.gz', title: 'b', sha256: 'a'.repeat(64), write: 'build-card' }]);
    await assert.rejects(t.api.call('catalog.download', { artifact: 'bad', catalog: cat }), /checksum mismatch/);
    const dir = join(t.backend.paths.cache, 'artifacts');
    assert.equal(existsSync(join(dir, 'bad.tar.gz')), false);
    assert.ok(!readdirSync(dir).some((f) => f.startsWith('bad.tar.gz')));
  });

  it('the shipped catalog names the WalT downloads and every model of the issue', async () => {
    const { catalog: c } = await t.api.call('catalog.get', {});
    assert.equal(c.baseUrl, 'https://walt-project.liglab.fr/downloads');
    for (const m of ['rpi-b', 'rpi-b-plus', 'rpi-2-b', 'rpi-3-b', 'rpi-3-b-plus', 'rpi-4-b', 'rpi-400', 'rpi-5-b', 'pc-x86-64', 'pc-x86-32']) {
      assert.ok(c.models.some((x) => x.id === m), m);
    }
  });

  it('a raw artifact\'s bmap named by the catalog is downloaded beside it (where a flash finds it); a damaged one is refused', async () => {
    // A real bmap, made by bmaptool of a small image with one data block.
    const img = join(t.dir, 'pc.dd');
    writeFileSync(img, Buffer.concat([randomBytes(4096), Buffer.alloc(1 << 20)]));
    execFileSync('bmaptool', ['create', '-o', `${img}.bmap`, img], { stdio: 'ignore' });
    const bmap = readFileSync(`${img}.bmap`);
    files.set('/pc.dd', readFileSync(img));
    files.set('/pc.dd.bmap', bmap);
    files.set('/damaged.bmap', Buffer.from(bmap.toString('utf8').replace('<MappedBlocksCount>', '<MappedBlocksCount>1')));
    files.set('/pc2.dd', readFileSync(img));
    const cat = catalog([
      { id: 'pc', kind: 'pc-usb', file: 'pc.dd', title: 'p', write: 'raw', bmap: 'pc.dd.bmap' },
      { id: 'pc2', kind: 'pc-usb', file: 'pc2.dd', title: 'p2', write: 'raw', bmap: 'damaged.bmap' },
    ]);
    const got = await t.api.call('catalog.download', { artifact: 'pc', catalog: cat });
    assert.ok(readFileSync(`${got.path}.bmap`).equals(bmap));
    assert.deepEqual(bmapCandidates(got.path).filter((p) => existsSync(p)), [`${got.path}.bmap`]);
    await assert.rejects(t.api.call('catalog.download', { artifact: 'pc2', catalog: cat }), /damaged\.bmap.*refused/);
    const dir = join(t.backend.paths.cache, 'artifacts');
    assert.ok(!readdirSync(dir).some((f) => f.startsWith('pc2.dd.bmap')));
  });
});
