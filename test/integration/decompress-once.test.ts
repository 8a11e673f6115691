import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { prepareRawImage } from '../../src-main/services/flash/decompress.js';
import { gzipChecked } from '../../src-main/services/flash/gzip-size.js';
import { inspectImage } from '../../src-main/services/flash/image-inspect.js';

const MiB = 1 << 20;

describe('a .gz is inflated once: the image check keeps its bytes for the flash that follows', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'wb-once-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Overwrites the .gz with bytes that do not inflate, keeping its size and modification time. */
  function spoilKeepingStat(path: string): void {
    const st = statSync(path);
    writeFileSync(path, Buffer.alloc(st.size, 0x55));
    utimesSync(path, st.atime, st.mtime);
  }

  it('the flash writes the bytes the check inflated (the file is not read again), intact in the cache', async () => {
    const raw = Buffer.concat([randomBytes(MiB), Buffer.alloc(3 * MiB)]);
    const gz = join(dir, 'a.img.gz');
    writeFileSync(gz, gzipSync(raw));
    utimesSync(gz, 1_700_000_000, 1_700_000_000); // whole seconds: utimes below sets them back exactly
    const info = await inspectImage(gz);
    assert.equal(info.size, raw.length);
    const st = statSync(gz);
    await gzipChecked(gz, st.size, st.mtimeMs);
    // Were the file inflated again, these bytes would fail to decode.
    spoilKeepingStat(gz);
    const cache = join(dir, 'cache-a');
    mkdirSync(cache);
    const out = await prepareRawImage(info, cache, { onProgress: () => undefined });
    assert.equal(out.size, raw.length);
    // The bytes are handed on in memory at once (a sparse write reads them there); the cache file follows.
    await out.written;
    assert.ok(out.data?.equals(raw));
    assert.ok(readFileSync(out.path).equals(raw));
    assert.ok(readFileSync(`${out.path}.done`, 'utf8').startsWith(String(raw.length)));
  });

  it('a file changed since the check (another modification time) is inflated again, and its damage found', async () => {
    const gz = join(dir, 'b.img.gz');
    writeFileSync(gz, gzipSync(randomBytes(MiB)));
    const info = await inspectImage(gz);
    const st = statSync(gz);
    writeFileSync(gz, Buffer.alloc(st.size, 0x55));
    utimesSync(gz, st.atime, new Date(st.mtimeMs + 5000));
    const cache = join(dir, 'cache-b');
    mkdirSync(cache);
    await assert.rejects(prepareRawImage(info, cache, { onProgress: () => undefined }), /b\.img\.gz/);
  });
});
