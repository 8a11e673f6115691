import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type FixtureFile, FIXTURE_EPOCH, makeArchive, recoveryFiles, rpiSdFiles, writeTree } from '../support/card-archives.js';
import { fsckPartition, mcopyAll, mdir, sfdiskDump } from '../support/card-tools.js';
import { startTestBackend, type TestBackend } from '../support/backend.js';
import { ROOT } from '../support/cli.js';

describe('card build from archives of files (checked with sfdisk, fsck.fat, mtools)', () => {
  let tb: TestBackend;
  let work: string;
  let sdFiles: FixtureFile[];

  before(async () => {
    tb = await startTestBackend();
    work = mkdtempSync(join(tmpdir(), 'wb-card-'));
    sdFiles = rpiSdFiles();
  });
  after(async () => {
    await tb.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** Builds and checks an image holds exactly `files`, with one 0x0C partition at sector 8192 and a clean FAT32. */
  async function buildAndCheck(source: string, files: FixtureFile[], name: string): Promise<string> {
    const out = join(work, `${name}.img`);
    const r = await tb.api.call('card.build', { source, output: out });
    assert.equal(r.files, files.length);
    const dump = sfdiskDump(out);
    const parts = dump.split('\n').filter((l) => l.includes(' : start='));
    assert.equal(parts.length, 1, dump);
    assert.match(parts[0]!, /start=\s*8192, size=\s*\d+, type=c\b/);
    const fsck = fsckPartition(out);
    assert.equal(fsck.status, 0, fsck.output);
    assert.match(mdir(out), /Volume in drive : is WALT/);
    const back = mcopyAll(out);
    assert.equal(back.size, files.length);
    for (const f of files) assert.ok(back.get(f.path)?.equals(f.data), `${f.path} differs after mcopy`);
    // hidden sectors = partition start (8192) in the boot sector
    const boot = Buffer.alloc(512);
    const fd = openSync(out, 'r');
    try {
      readSync(fd, boot, 0, 512, 4 << 20);
    } finally {
      closeSync(fd);
    }
    assert.equal(boot.readUInt32LE(28), 8192);
    assert.equal(boot.toString('latin1', 71, 82), 'WALT       ');
    return out;
  }

  it('rpi-sd-files.tar.gz (300+ overlays, MiB blobs, nested dirs): every file byte for byte, mtimes kept', async () => {
    const archive = makeArchive(work, 'rpi-sd-files.tar.gz', sdFiles);
    const img = await buildAndCheck(archive, sdFiles, 'sd');
    // mtimes of files and folders are the archive's (2024-03-01 10:20)
    assert.match(mdir(img, '::/overlays'), /overlay-000-MixedCase\.dtbo/);
    assert.match(mdir(img), /2024-03-01\s+10:20/);
    assert.doesNotMatch(mdir(img), /\b20(2[5-9]|3\d)-\d\d-\d\d/);
    const report = await tb.api.call('card.inspect', { path: img });
    assert.equal(report.table, 'mbr');
    assert.equal(report.artifact, 'rpi-sd-files');
    assert.equal(report.waltDate?.epochSeconds, FIXTURE_EPOCH);
    assert.deepEqual([...report.models].sort(), ['rpi-2-b', 'rpi-3-b', 'rpi-3-b-plus', 'rpi-4-b', 'rpi-400', 'rpi-5-b', 'rpi-b', 'rpi-b-plus'].sort());
    assert.equal(report.partitions[0]?.filesystem?.label, 'WALT');
    assert.equal(report.recovery, null);
  });

  it('the same files from a zip, a plain tar and a folder', async () => {
    const small = rpiSdFiles({ overlays: 40, blobMiB: 0.25 });
    await buildAndCheck(makeArchive(work, 'files.zip', small), small, 'zip');
    await buildAndCheck(makeArchive(work, 'files.tar', small), small, 'tar');
    const folder = join(work, 'folder');
    writeTree(folder, small);
    await buildAndCheck(folder, small, 'folder');
  });

  it('recovery archives: Pi 4 and Pi 5 told apart, recovery.bin armed', async () => {
    for (const gen of [4, 5] as const) {
      const files = recoveryFiles(gen);
      const img = await buildAndCheck(makeArchive(work, `rpi-${gen}-sd-recovery.tar.gz`, files), files, `rec${gen}`);
      const r = await tb.api.call('card.inspect', { path: img });
      assert.equal(r.artifact, gen === 4 ? 'rpi-4-recovery' : 'rpi-5-recovery');
      assert.equal(r.recovery, 'armed');
      assert.equal(r.waltDate?.epochSeconds, FIXTURE_EPOCH);
    }
  });

  it('rearm renames RECOVERY.000 back to recovery.bin in place (image renamed by mtools)', async () => {
    const files = recoveryFiles(4);
    const img = await buildAndCheck(makeArchive(work, 'rearm.tar.gz', files), files, 'rearm');
    execFileSync('mren', ['-i', `${img}@@4M`, '::recovery.bin', '::RECOVERY.000']);
    assert.equal((await tb.api.call('card.inspect', { path: img })).recovery, 'used');
    const before = readFileSync(img);
    const r = await tb.api.call('card.rearm', { path: img });
    assert.deepEqual([r.before, r.after, r.changed], ['used', 'armed', true]);
    assert.equal((await tb.api.call('card.inspect', { path: img })).recovery, 'armed');
    assert.match(mdir(img), /recovery\s+bin/i);
    assert.ok(mcopyAll(img).get('recovery.bin')?.equals(files.find((f) => f.path === 'recovery.bin')!.data));
    assert.equal(fsckPartition(img).status, 0);
    // only one sector changed: the card was not rewritten
    const afterBytes = readFileSync(img);
    let changed = 0;
    for (let s = 0; s < before.length; s += 512) if (!before.subarray(s, s + 512).equals(afterBytes.subarray(s, s + 512))) changed += 1;
    assert.equal(changed, 1);
    await assert.rejects(tb.api.call('card.rearm', { path: join(work, 'sd.img') }), /not an EEPROM recovery card/);
  });

  it('a pc-usb-like GPT image is recognized (EFI/BOOT/BOOTX64.efi on its EFI System partition)', async () => {
    const img = join(work, 'pc-usb.dd');
    writeFileSync(img, Buffer.alloc(0));
    truncateSync(img, 26_214_400);
    execFileSync('sfdisk', ['-q', img], { input: 'label: gpt\nstart=2048, size=24576, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B\nstart=28672, size=2048, type=21686148-6449-6E6F-744E-656564454649\n' });
    const esp = join(work, 'esp.img');
    execFileSync('mkfs.vfat', ['-C', esp, String(24576 / 2)], { stdio: 'ignore' });
    execFileSync('mmd', ['-i', esp, '::EFI', '::EFI/BOOT']);
    writeFileSync(join(work, 'BOOTX64.efi'), 'MZ ipxe');
    execFileSync('mcopy', ['-i', esp, join(work, 'BOOTX64.efi'), '::EFI/BOOT/BOOTX64.efi']);
    execFileSync('dd', [`if=${esp}`, `of=${img}`, 'bs=512', 'seek=2048', 'conv=notrunc', 'status=none']);
    const r = await tb.api.call('card.inspect', { path: img });
    assert.equal(r.table, 'gpt');
    assert.equal(r.artifact, 'pc-usb');
    assert.equal(r.partitions.length, 2);
    assert.equal(r.partitions[0]?.filesystem?.type, 'FAT16');
  });

  it('refuses every hostile or broken archive naming the member and the cause, and writes nothing', async () => {
    const dir = join(work, 'hostile');
    mkdirSync(dir);
    execFileSync('python3', [join(ROOT, 'test', 'support', 'hostile-tars.py'), dir]);
    const cases: [string, RegExp][] = [
      ['absolute.tar', /\/etc\/evil\.txt: an absolute path/],
      ['dotdot.tar.gz', /overlays\/\.\.\/\.\.\/escape\.txt: a "\.\." component/],
      ['symlink.tar', /overlays\/latest\.dtbo: a symbolic link/],
      ['hardlink.tar', /cmdline2\.txt: a hard link/],
      ['device.tar', /dev\/sda: a device node/],
      ['badname.tar', /overlays\/what\?\.dtbo: the name "what\?\.dtbo" has "\?", a character FAT cannot hold/],
      ['collision.tar', /CONFIG\.TXT: collides with "config\.txt": FAT names are case-insensitive/],
    ];
    // a folder with a sparse 5 GiB file: over FAT32's limit
    const big = join(work, 'bigfolder');
    writeTree(big, [{ path: 'config.txt', data: Buffer.from('x') }]);
    const fd = openSync(join(big, 'huge.bin'), 'w');
    writeSync(fd, 'x', 5 * 2 ** 30);
    closeSync(fd);
    cases.push(['../bigfolder', /huge\.bin: 5368709121 bytes \(5\.0 GiB\): over FAT32's limit of 4 GiB - 1/]);
    // truncated and corrupt gzip
    const good = readFileSync(makeArchive(work, 'gz-src.tar.gz', rpiSdFiles({ overlays: 20, blobMiB: 0.5 })));
    writeFileSync(join(dir, 'truncated.tar.gz'), good.subarray(0, Math.floor(good.length / 2)));
    const corrupt = Buffer.from(good);
    const mid = Math.floor(good.length / 2);
    for (let i = mid; i < mid + 400; i += 1) corrupt[i] = corrupt[i]! ^ 0x5a;
    writeFileSync(join(dir, 'corrupt.tar.gz'), corrupt);
    cases.push(['truncated.tar.gz', /truncated\.tar\.gz is truncated: the gzip stream ends early/]);
    cases.push(['corrupt.tar.gz', /corrupt\.tar\.gz (is corrupt: gzip decoding failed|is not a valid tar archive)/]);
    for (const [name, message] of cases) {
      const out = join(work, `hostile-${name.replace(/\W/g, '_')}.img`);
      await assert.rejects(tb.api.call('card.build', { source: join(dir, name), output: out }), message, name);
      await assert.rejects(tb.api.call('image.inspect', { path: join(dir, name) }), message, name);
      assert.equal(existsSync(out), false, `${name}: nothing written`);
    }
  });
});
