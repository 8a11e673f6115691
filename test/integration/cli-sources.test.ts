import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipBomb, withByteFlipped, xzLastCheckByte, zipWithRecordedSize, zipWithWrongCrc } from '../support/bad-sources.js';
import { makeArchive, rpiSdFiles } from '../support/card-archives.js';
import { mcopyAll } from '../support/card-tools.js';
import { assertBuilt, runCli } from '../support/cli.js';
import { startCliJson } from '../support/cli-process.js';
import { createZramCard, readHead, type ZramCard, zramAvailable } from '../support/zram.js';

const MiB = 1 << 20;
type Line = Record<string, unknown>;

const jsonLines = (stdout: string): Line[] =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);

describe('sources are checked before a byte reaches a card (built CLI, zram cards)', { skip: zramAvailable() ? false : 'needs root and zram' }, () => {
  let dir: string;
  let img: string;
  let homes = 0;
  let card: ZramCard;
  const cards: ZramCard[] = [];

  /** A fresh WALT_BENCH_HOME per run, as in the issue. */
  const freshEnv = (): NodeJS.ProcessEnv => ({ WALT_BENCH_HOME: join(dir, `home-${(homes += 1)}`), WALT_BENCH_VIRTUAL_DRIVES: '1' });
  const cacheFiles = (env: NodeJS.ProcessEnv): string[] =>
    readdirSync(join(env.WALT_BENCH_HOME!, 'cache')).filter((n) => n !== 'sha256' && !n.startsWith('whole-only-'));
  const journal = async (env: NodeJS.ProcessEnv): Promise<Line[]> => JSON.parse((await runCli(['journal', '--json'], env)).stdout) as Line[];
  const untouched = (c: ZramCard): boolean => readHead(c.device, c.size).every((b) => b === 0);

  /** Flashes with --json and expects a source-error line naming `message`, nothing on the card, cache or journal. */
  async function refused(source: string, message: RegExp, hint: RegExp = /download it again/): Promise<Line> {
    const env = freshEnv();
    const r = await runCli(['flash', source, '--drive', card.device, '--yes', '--json'], env);
    assert.equal(r.status, 3, r.stderr);
    const error = jsonLines(r.stdout).find((l) => l.event === 'error');
    assert.ok(error, `an error line on stdout; got ${r.stdout}`);
    assert.equal(error.code, 'source-error');
    assert.match(String(error.message), message);
    assert.match(String(error.hint), hint);
    assert.match(String(error.hint), /nothing was written to any card/);
    assert.ok(untouched(card), 'not a byte reached the card');
    assert.deepEqual(cacheFiles(env), [], 'no partial or unchecked file left in the cache');
    assert.deepEqual(await journal(env), [], 'no card attempt: nothing to journal');
    return error;
  }

  before(() => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'wb-sources-'));
    // pc-usb.dd-like: some MiB of incompressible bytes, then zeros (deflate really compresses it).
    img = join(dir, 'pc-usb.dd');
    writeFileSync(img, Buffer.concat([randomBytes(2 * MiB), Buffer.alloc(6 * MiB)]));
    execFileSync('gzip', ['-k', '-6', img]);
    execFileSync('xz', ['-k', '-0', img]);
    execFileSync('bzip2', ['-k', img]);
    execFileSync('zip', ['-j', '-q', join(dir, 'pc-usb.zip'), img]);
    card = createZramCard(32 * MiB);
    cards.push(card);
  });
  after(() => {
    for (const c of cards) c.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a zip member whose CRC-32 is wrong is refused, naming the member, its offset and both CRCs', async () => {
    const bad = zipWithWrongCrc(join(dir, 'pc-usb.zip'), join(dir, 'bad-crc.zip'));
    await refused(bad, /^bad-crc\.zip: member "pc-usb\.dd" \(local header at offset 0\) is corrupt: its 8388608 bytes have CRC-32 0x[0-9a-f]{8}, the archive records 0x[0-9a-f]{8}$/);
  });

  it('a zip whose header states a smaller size is refused at once (no silent exit 0, no .part)', async () => {
    const lying = zipWithRecordedSize(join(dir, 'pc-usb.zip'), join(dir, 'lies-small.zip'), 4 * MiB);
    await refused(lying, /member "pc-usb\.dd" \(local header at offset 0\) is corrupt: it inflates to more than the 4194304 bytes the archive records/);
  });

  it('a zip whose header states a larger size is refused', async () => {
    const lying = zipWithRecordedSize(join(dir, 'pc-usb.zip'), join(dir, 'lies-large.zip'), 9 * MiB);
    await refused(lying, /member "pc-usb\.dd" .* is corrupt: it inflates to 8388608 bytes, the archive records 9437184/);
  });

  it("gzip: a wrong trailer CRC-32 and a wrong trailer ISIZE are refused with the trailer's offset", async () => {
    const gz = `${img}.gz`;
    const crc = withByteFlipped(gz, join(dir, 'crc.dd.gz'), -8);
    const size = withByteFlipped(gz, join(dir, 'isize.dd.gz'), -4);
    const end = statSync(gz).size;
    await refused(crc, new RegExp(`^crc\\.dd\\.gz is corrupt: the CRC-32 in its gzip trailer at offset ${end - 8} does not match`));
    await refused(size, new RegExp(`^isize\\.dd\\.gz is corrupt: the size \\(ISIZE\\) in its gzip trailer at offset ${end - 4} does not match`));
  });

  it("xz: a wrong block check (CRC-64) is refused", async () => {
    const xz = `${img}.xz`;
    const bad = withByteFlipped(xz, join(dir, 'check.dd.xz'), xzLastCheckByte(xz));
    await refused(bad, /^check\.dd\.xz is corrupt: its xz data or integrity check does not match, by compressed offset \d+ of \d+/);
  });

  it('bzip2: a corrupt block is refused with the offset, never written', async () => {
    const bz = `${img}.bz2`;
    const bad = withByteFlipped(bz, join(dir, 'corrupt.dd.bz2'), Math.floor(statSync(bz).size / 3), 0x10);
    await refused(bad, /^corrupt\.dd\.bz2 is corrupt: .*by compressed offset \d+ of \d+/);
  });

  it('truncated .gz, .xz, .bz2 and .zip: refused naming the file and where it ends, "the download was cut short"', async () => {
    for (const ext of ['gz', 'xz', 'bz2', 'zip']) {
      const src = ext === 'zip' ? join(dir, 'pc-usb.zip') : `${img}.${ext}`;
      const cut = join(dir, `cut.${ext}`);
      copyFileSync(src, cut);
      const length = Math.floor(statSync(src).size / 2);
      truncateSync(cut, length);
      await refused(cut, new RegExp(`^cut\\.${ext} is truncated: the file ends at offset ${length}\\b`), /the download was cut short: download it again/);
    }
  });

  it('a zip of card files (start.elf) whose member lies about its size or CRC-32 is refused, never built onto a card', async () => {
    const elf = join(dir, 'start.elf');
    writeFileSync(elf, Buffer.concat([randomBytes(300 * 1024), Buffer.alloc(700 * 1024)]));
    const files = join(dir, 'sd-files.zip');
    execFileSync('zip', ['-j', '-q', files, elf]);
    const target = createZramCard(128 * MiB);
    cards.push(target);
    const cases: [string, RegExp][] = [
      [zipWithRecordedSize(files, join(dir, 'sd-lies.zip'), 500 * 1024), /^sd-lies\.zip: member "start\.elf" \(local header at offset 0\) is corrupt: it inflates to more than the 512000 bytes/],
      [zipWithWrongCrc(files, join(dir, 'sd-crc.zip')), /^sd-crc\.zip: member "start\.elf" \(local header at offset 0\) is corrupt: its 1024000 bytes have CRC-32/],
    ];
    for (const [zip, message] of cases) {
      const r = await runCli(['flash', zip, '--drive', target.device, '--yes', '--json'], freshEnv());
      assert.equal(r.status, 3, r.stderr);
      assert.match(String(jsonLines(r.stdout).find((l) => l.event === 'error')?.message), message);
    }
    assert.ok(untouched(target), 'not a byte reached the card');
  });

  it('a gzip bomb is refused before a byte is written: its size is known when it is chosen (the stop while decoding is in decompress-service.test.ts)', async (t) => {
    const bomb = join(dir, 'bomb.img.gz');
    gzipBomb(bomb, 512); // 512 MiB of zeros in ~0.5 MiB
    const small = createZramCard(32 * MiB);
    const largest = createZramCard(64 * MiB);
    cards.push(small, largest);
    const env = freshEnv();
    const started = process.hrtime.bigint();
    const r = await runCli(['flash', bomb, '--drive', small.device, '--drive', largest.device, '--yes', '--json'], env);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const peerStarted = process.hrtime.bigint();
    execFileSync('sh', ['-c', `gzip -dc "${bomb}" > /dev/null`]);
    const peerMs = Number(process.hrtime.bigint() - peerStarted) / 1e6;
    t.diagnostic(`bomb: walt-bench refused it after ${ms.toFixed(0)} ms (process start included); gzip -dc of the whole 512 MiB: ${peerMs.toFixed(0)} ms`);
    assert.equal(r.status, 3, r.stderr);
    const error = jsonLines(r.stdout).find((l) => l.event === 'error')!;
    assert.match(String(error.message), new RegExp(`${largest.device} is too small: 64\\.0 MiB for an image of 512(\\.0)? MiB`));
    assert.deepEqual(cacheFiles(env), [], 'nothing decompressed into the cache');
    assert.ok(untouched(small) && untouched(largest), 'nothing written');
    // its members fooled the trailer's size once: marked to be checked whole by later processes (an empty marker)
    assert.equal(readdirSync(join(env.WALT_BENCH_HOME!, 'cache')).filter((n) => n.startsWith('whole-only-')).length, 1);
  });

  it('a symlink to a .tar.gz of card files is built as a card (detection follows the link), not written raw', async () => {
    const files = rpiSdFiles({ overlays: 40 });
    const archive = makeArchive(dir, 'rpi-sd-files.tar.gz', files);
    const link = join(dir, 'link-to-sd-files.tar.gz');
    symlinkSync(archive, link);
    const target = createZramCard(128 * MiB);
    cards.push(target);
    const env = freshEnv();
    const r = await runCli(['flash', link, '--drive', target.device, '--yes'], env);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /an archive of \d+ files .*built into one FAT32 partition/);
    const back = mcopyAll(target.device);
    assert.equal(back.size, files.length);
    for (const f of files) assert.ok(back.get(f.path)?.equals(f.data), `${f.path} on the card`);
  });

  it('SIGINT while decompressing: stops, deletes the .part, journals the card as cancelled', async () => {
    const bomb = join(dir, 'long.img.gz');
    gzipBomb(bomb, 2048); // 2 GiB of output: seconds of decompression
    const big = createZramCard(3 * 1024 * MiB); // zram allocates only what is written
    cards.push(big);
    const env = freshEnv();
    const p = startCliJson(['flash', bomb, '--drive', big.device, '--yes', '--json'], env);
    try {
      await p.waitFor((l) => l.event === 'progress' && l.phase === 'decompress', 30000);
      p.child.kill('SIGINT');
      const status = await Promise.race([p.exited, new Promise((resolve) => setTimeout(() => resolve('timeout'), 20000))]);
      assert.equal(status, 130, p.stderr()); // 128 + SIGINT, as a shell reports it
    } finally {
      await p.stop();
    }
    const done = p.lines.find((l) => l.event === 'done') as { results: { ok: boolean; error: string | null }[] } | undefined;
    assert.ok(done, JSON.stringify(p.lines.slice(-3)));
    assert.deepEqual(done.results.map((x) => [x.ok, x.error]), [[false, 'cancelled by the technician']]);
    // Neither a .part nor a finished decompressed image: decoding stopped before its end.
    assert.deepEqual(cacheFiles(env), []);
    const records = await journal(env);
    assert.equal(records.length, 1);
    assert.deepEqual([records[0]!.device, records[0]!.result, records[0]!.bytes], [big.device, 'cancelled', 0]);
    assert.ok(readHead(big.device, 4 * MiB).every((b) => b === 0), 'nothing written');
  });

  it('--json: every error is a JSON line on stdout too (usage, missing file, refused drive)', async () => {
    const env = freshEnv();
    const usage = await runCli(['flash', img, '--drvie', card.device, '--json'], env);
    assert.equal(usage.status, 2);
    assert.deepEqual(Object.keys(jsonLines(usage.stdout).at(-1)!), ['event', 'code', 'message']);
    assert.equal(jsonLines(usage.stdout).at(-1)!.code, 'usage');
    const missing = await runCli(['flash', join(dir, 'nope.img'), '--drive', card.device, '--yes', '--json'], env);
    assert.equal(missing.status, 3);
    assert.deepEqual(jsonLines(missing.stdout), [{ event: 'error', code: 'source-error', message: `${join(dir, 'nope.img')}: no such file`, hint: 'check the path' }]);
    const tiny = createZramCard(4 * MiB);
    cards.push(tiny);
    const small = await runCli(['flash', img, '--drive', tiny.device, '--yes', '--json'], env);
    assert.equal(small.status, 3);
    const last = jsonLines(small.stdout).at(-1)!;
    assert.deepEqual([last.event, last.code], ['error', 'refused']);
    assert.match(String(last.message), /is too small: 4\.0 MiB for an image of 8\.0 MiB/);
    // The stderr text stays for a person reading the terminal.
    assert.match(missing.stderr, /walt-bench: .*nope\.img: no such file\n {2}fix: check the path/);
  });

  it('the sound sources these were made from write and verify (the checks pass good files)', async () => {
    const good = createZramCard(32 * MiB);
    cards.push(good);
    for (const src of [`${img}.gz`, `${img}.xz`, `${img}.bz2`, join(dir, 'pc-usb.zip')]) {
      const r = await runCli(['flash', src, '--drive', good.device, '--yes', '--json'], freshEnv());
      assert.equal(r.status, 0, `${src}: ${r.stderr}`);
      execFileSync('cmp', ['-n', String(8 * MiB), img, good.device]);
      execFileSync('dd', ['if=/dev/zero', `of=${good.device}`, 'bs=1M', 'count=8', 'conv=fsync', 'status=none']);
    }
  });
});
