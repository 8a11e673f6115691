import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestBackend, type TestBackend } from '../support/backend.js';
import { fsckPartition, mcopyAll, mdir } from '../support/card-tools.js';
import { assertBuilt, ROOT } from '../support/cli.js';

const CONFIG = 'kernel=u-boot-rpi-3-b.img\n';
const MiB = 1 << 20;

/** Runs the built CLI under GNU time: exit status, stderr, peak RSS (MB) and wall time (ms). */
function timedCli(args: string[], env: NodeJS.ProcessEnv): { status: number | null; stderr: string; rssMB: number; ms: number } {
  const t = Date.now();
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, join(ROOT, 'bin', 'walt-bench.js'), ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
  const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]);
  assert.ok(kb > 0, r.stderr);
  return { status: r.status, stderr: r.stderr, rssMB: kb / 1024, ms: Date.now() - t };
}

describe('cards built from archives as the world writes them (GNU tar, Python tarfile, Info-ZIP, zipfile)', () => {
  let tb: TestBackend;
  let work: string;
  let dir: string;
  const env = (): NodeJS.ProcessEnv => ({ WALT_BENCH_HOME: join(work, 'home') });

  before(async () => {
    assertBuilt();
    process.env.LC_ALL = 'C.UTF-8'; // mtools prints and writes the cards' long names in the locale's charset
    tb = await startTestBackend();
    work = mkdtempSync(join(tmpdir(), 'wb-card-world-'));
    dir = join(work, 'fixtures');
    execFileSync('python3', [join(ROOT, 'test', 'support', 'world-archives.py'), dir]);
  });
  after(async () => {
    await tb.close();
    rmSync(work, { recursive: true, force: true });
  });

  const build = (name: string): ReturnType<TestBackend['api']['call']> =>
    tb.api.call('card.build', { source: join(dir, name), output: join(work, `${name}.img`) });

  /** Refuses `name` with `message` in card.build and image.inspect, and writes no image (nor its .part). */
  async function refuses(name: string, message: RegExp): Promise<void> {
    const out = join(work, `${name}.img`);
    await assert.rejects(tb.api.call('card.build', { source: join(dir, name), output: out }), message, name);
    await assert.rejects(tb.api.call('image.inspect', { path: join(dir, name) }), message, name);
    assert.equal(existsSync(out) || existsSync(`${out}.part`), false, `${name}: nothing written`);
  }

  it('pax, gnu and posix tars and zips with Unicode names build; the card holds the names (mcopy, mdir) and the bytes', async () => {
    const expected = new Map([
      ['überlays/café.dtbo', 'cafe\n'],
      ['ドキュメント/説明.txt', 'Unicode names on a FAT card\n'],
      ['Ελληνικά.txt', 'greek\n'],
      ['config.txt', CONFIG],
    ]);
    for (const name of ['unicode-pax.tar', 'unicode-gnu.tar.gz', 'gnutar-pax.tar', 'gnutar-gnu.tar', 'gnutar-posix.tar.gz', 'infozip64.zip']) {
      await build(name);
      const img = join(work, `${name}.img`);
      assert.equal(fsckPartition(img).status, 0, name);
      const back = mcopyAll(img);
      for (const [path, text] of expected) assert.equal(back.get(path)?.toString(), text, `${name}: ${path} (card holds ${[...back.keys()].join(', ')})`);
      const long = [...back.keys()].find((p) => p.endsWith('long-file-name-that-needs-more-than-one-hundred-bytes-in-total.bin'));
      assert.ok(long && long.length > 200 && back.get(long)!.length === 500, name);
    }
    assert.match(mdir(join(work, 'unicode-pax.tar.img'), '::/überlays'), /café\.dtbo/);
  });

  it('zips: the UTF-8 flag, CP437 names, the Info-ZIP Unicode path field, backslashes as folders, zip64', async () => {
    await build('zip-unicode-flag.zip');
    assert.equal(mcopyAll(join(work, 'zip-unicode-flag.zip.img')).get('überlays/café.dtbo')?.toString(), 'cafe\n');
    await build('zip-cp437.zip');
    const cp = mcopyAll(join(work, 'zip-cp437.zip.img'));
    assert.deepEqual([cp.get('café.dtbo')?.toString(), cp.get('ドキュメント.txt')?.toString()], ['cafe\n', 'unicode path\n']);
    await build('zip-backslash.zip');
    const bs = mcopyAll(join(work, 'zip-backslash.zip.img'));
    assert.deepEqual([bs.get('overlays/a.dtbo')?.toString(), bs.get('overlays/b.dtbo')?.toString()], ['a', 'b']);
    await build('zip64.zip');
    assert.equal(mcopyAll(join(work, 'zip64.zip.img')).get('overlays/big.dtbo')?.length, 100_000);
  });

  it('GNU sparse members (pax 1.0, pax 0.1, gnu S) are refused by their real name, never built as GNUSparseFile.N', async () => {
    for (const name of ['sparse-pax.tar', 'sparse-pax-0.1.tar', 'sparse-gnu.tar']) {
      await refuses(name, /\.\/big\.bin: a sparse file \(5368709120 bytes once expanded\): walt-bench does not expand sparse members; pack it as a plain file/);
    }
  });

  it('a 5 GiB member is refused from its header: data never read (header-only .tar.gz), built CLI peak RSS bounded', async () => {
    // a complete 5 GiB tar (holes on disk) and a .tar.gz holding only the header: the same refusal, no "truncated"
    await refuses('huge-5g.tar', /firmware\/huge\.bin: 5368709120 bytes \(5\.0 GiB\): over FAT32's limit of 4 GiB - 1 .*its header is at byte 1024/);
    await refuses('huge-5g-header-only.tar.gz', /firmware\/huge\.bin: 5368709120 bytes .*its header is at byte 0/);
    await refuses('base256-9g.tar', /huge9\.bin: 9663676416 bytes \(9\.0 GiB\)/);
    const r = timedCli(['card', 'build', join(dir, 'huge-5g.tar'), '-o', join(work, 'huge-cli.img')], env());
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, /firmware\/huge\.bin: 5368709120 bytes/);
    assert.ok(r.rssMB < 300, `peak RSS ${r.rssMB} MB`);
    console.log(`# 5 GiB member refused by the CLI in ${r.ms} ms, peak RSS ${r.rssMB.toFixed(0)} MB`);
  });

  it('70,000 files in one folder: refused up front naming the folder; 3,121 long names (21 slots each) too', async () => {
    const t = Date.now();
    await refuses('crowded.tar.gz', /many\/: a folder of 70000 files and folders taking 70002 directory slots .*FAT holds at most 65536 per folder; split it into subfolders/);
    console.log(`# 70,000-file folder refused in ${Date.now() - t} ms (twice: card.build and image.inspect)`);
    // 255-character names take 21 slots each: 3,121 of them + "." and ".." = 65,543 slots, over the limit
    const file = join(work, 'long.tar');
    execFileSync('python3', ['-c', `
import io, tarfile, sys
with tarfile.open(sys.argv[1], 'w', format=tarfile.GNU_FORMAT) as t:
    for i in range(3121):
        t.addfile(tarfile.TarInfo('d/' + str(i).rjust(5, '0') + 'x' * 250), io.BytesIO(b''))
    i = tarfile.TarInfo('config.txt'); i.size = 1; t.addfile(i, io.BytesIO(b'x'))`, file]);
    await assert.rejects(tb.api.call('card.build', { source: file, output: join(work, 'long.img') }), /d\/: a folder of 3121 files and folders taking 65543 directory slots/);
  });

  it('says what is really wrong: FAT-forbidden characters, a zip with "../" or an absolute name, a file that is also a folder', async () => {
    await refuses('forbidden-chars.tar', /a:b\*c\?\.txt: the name "a:b\*c\?\.txt" has ":", "\*", "\?", characters FAT cannot hold: rename it/);
    await refuses('zip-dotdot.zip', /\.\.\/escape\.txt: a "\.\." component: it would point outside the card/);
    await refuses('zip-backslash-dotdot.zip', /\.\.\/\.\.\/evil\.txt: a "\.\." component/);
    await refuses('zip-absolute.zip', /\/etc\/evil\.txt: an absolute path: members must be relative to the card root/);
    await refuses('file-and-folder.tar', /x\/y: "x" is both a file and a folder in the archive: rename one of them/);
  });

  it('links: a symbolic and a hard link refused with their targets (FAT has no links); packed dereferenced, they build', async () => {
    await refuses('gnutar-symlink-hardlink.tar', /\.\/latest\.txt: a symbolic link to "config\.txt": a FAT card holds no links; pack the file itself \(tar -h, --dereference\); .*a hard link to "\.\/(copy|config)\.txt".*--hard-dereference/);
    await build('gnutar-dereferenced.tar');
    const back = mcopyAll(join(work, 'gnutar-dereferenced.tar.img'));
    assert.deepEqual(['config.txt', 'copy.txt', 'latest.txt'].map((n) => back.get(n)?.toString()), [CONFIG, CONFIG, CONFIG]);
  });

  it('the end of a tar: without its two zero blocks it builds; cut inside a header or a member it is refused as truncated', async () => {
    await build('no-end-blocks.tar');
    assert.equal(fsckPartition(join(work, 'no-end-blocks.tar.img')).status, 0);
    await refuses('truncated-header.tar', /truncated-header\.tar is not a valid tar archive: the tar archive is truncated: it ends at byte 1124, in the middle of a header/);
    await refuses('truncated-data.tar', /it ends at byte 1636, in the middle of a member/);
    await build('global-pax.tar');
    assert.match(mdir(join(work, 'global-pax.tar.img')), /frac\s+txt\s+2 2024-03-01\s+10:20/);
  });

  it('a 512 MiB archive (one big member, many small ones) streams into the card: CLI peak RSS < 300 MB, bytes equal', () => {
    const tree = join(work, 'big-tree');
    mkdirSync(join(tree, 'overlays'), { recursive: true });
    execFileSync('sh', ['-c', `head -c ${480 * MiB} /dev/urandom > "${tree}/big.bin"`]);
    for (let i = 0; i < 200; i += 1) writeFileSync(join(tree, 'overlays', `o${i}.dtbo`), Buffer.alloc(1000 + i * 37, i));
    writeFileSync(join(tree, 'config.txt'), CONFIG);
    const archive = join(work, 'big.tar.gz');
    execFileSync('sh', ['-c', `tar -C "${tree}" -cf - . | gzip -1 > "${archive}"`]);
    const img = join(work, 'big.img');
    const r = timedCli(['card', 'build', archive, '-o', img], env());
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.rssMB < 300, `peak RSS ${r.rssMB} MB`);
    console.log(`# 480 MiB + 200 files built by the CLI in ${r.ms} ms, peak RSS ${r.rssMB.toFixed(0)} MB`);
    assert.equal(fsckPartition(img).status, 0);
    const back = join(work, 'big-back.bin');
    execFileSync('mcopy', ['-n', '-i', `${img}@@4M`, '::big.bin', back]);
    execFileSync('cmp', [back, join(tree, 'big.bin')]);
    const small = execFileSync('mcopy', ['-n', '-i', `${img}@@4M`, '::overlays/o199.dtbo', '-']);
    assert.ok(small.equals(Buffer.alloc(1000 + 199 * 37, 199)));
  });
});
