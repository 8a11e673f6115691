import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkArchiveMembers, headerProblem, MAX_DIR_SLOTS } from '../../../../src-main/core/card/archive-rules.js';
import { fatDirSlots } from '../../../../src-main/core/card/fat-names.js';
import { recognizeArtifact } from '../../../../src-main/core/card/artifact-kind.js';
import { parseConfigTxt, servedModels } from '../../../../src-main/core/card/config-txt.js';
import { decodeMbr, encodeMbr } from '../../../../src-main/core/card/mbr.js';
import { planCardLayout } from '../../../../src-main/core/card/layout.js';
import { TarParser } from '../../../../src-main/core/card/tar-parser.js';
import { parseWaltDate } from '../../../../src-main/core/card/walt-date.js';
import { zipHoldsFiles } from '../../../../src-main/core/card/source-shape.js';

const MiB = 1 << 20;
const file = (path: string, size = 10) => ({ path, type: 'file' as const, size, mtimeMs: 0 });

describe('card layout, MBR, rules and recognition (pure core)', () => {
  it('plans 64 MiB minimum, 4/3 of the content rounded to 4 MiB, at 4 MiB; grows to the card without its last 33 sectors', () => {
    const small = planCardLayout({ bytes: 9 * MiB, files: 330, dirs: 3 });
    assert.deepEqual(small.ok && small.layout, { partitionStart: 4 * MiB, partitionBytes: 64 * MiB, imageBytes: 68 * MiB });
    const big = planCardLayout({ bytes: 90 * MiB, files: 10, dirs: 0 });
    assert.ok(big.ok && big.layout.partitionBytes === 124 * MiB);
    const grown = planCardLayout({ bytes: MiB, files: 1, dirs: 0 }, { cardBytes: 1000 * MiB, growToCard: true });
    assert.ok(grown.ok && grown.layout.partitionBytes === 992 * MiB);
    const tooBig = planCardLayout({ bytes: 80 * MiB, files: 1, dirs: 0 }, { cardBytes: 96 * MiB });
    assert.ok(!tooBig.ok && /too small/.test(tooBig.message));
  });

  it('encodes and decodes one 0x0C partition at sector 8192', () => {
    const sector = encodeMbr([{ bootable: false, type: 0x0c, startLba: 8192, sectors: 131072 }], 0x12345678);
    assert.deepEqual(decodeMbr(sector), { diskSignature: 0x12345678, partitions: [{ index: 1, bootable: false, type: 0x0c, startLba: 8192, sectors: 131072 }] });
  });

  it('names each hostile member and its cause', () => {
    const v = checkArchiveMembers([
      file('/abs'),
      file('a/../../x'),
      { path: 'l', type: 'symlink', size: 0, mtimeMs: 0 },
      file('bad|name'),
      file('Config.txt'),
      file('config.txt'),
      file('huge.bin', 2 ** 32),
      file('ok/fine.txt'),
    ]);
    assert.deepEqual(v.problems.map((p) => p.member), ['/abs', 'a/../../x', 'l', 'bad|name', 'config.txt', 'huge.bin']);
    assert.deepEqual(v.entries.map((e) => e.path), ['Config.txt', 'ok', 'ok/fine.txt']);
  });

  it('says what is really wrong: FAT-forbidden characters (not "absolute"), a file that is also a folder, links with their target', () => {
    const cause = (...members: Parameters<typeof checkArchiveMembers>[0]) => checkArchiveMembers(members).problems.map((p) => `${p.member}: ${p.cause}`);
    assert.deepEqual(cause(file('a:b*c?.txt')), ['a:b*c?.txt: the name "a:b*c?.txt" has ":", "*", "?", characters FAT cannot hold: rename it']);
    assert.match(cause(file('C:/Windows/x'))[0]!, /^C:\/Windows\/x: an absolute path/);
    assert.match(cause(file('C:x'))[0]!, /"C:x" has ":", a character FAT cannot hold/);
    assert.deepEqual(cause(file('x'), file('x/y'), file('x/z')), ['x/y: "x" is both a file and a folder in the archive: rename one of them']);
    assert.deepEqual(cause({ path: 'x/', type: 'dir', size: 0, mtimeMs: 0 }, file('x')), ['x: "x" is both a file and a folder in the archive: rename one of them']);
    assert.match(cause(file('Boot'), file('boot/a'))[0]!, /the file "Boot" and the folder "boot" are one name on FAT \(case is ignored\)/);
    assert.match(cause(file('a'), file('a'))[0]!, /appears twice in the archive \(first as "a"\): pack it once/);
    assert.match(cause({ path: 'l', type: 'symlink', size: 0, mtimeMs: 0, linkTarget: '/etc/passwd' })[0]!, /a symbolic link to "\/etc\/passwd": a FAT card holds no links; pack the file itself \(tar -h/);
    assert.match(cause({ path: 'h', type: 'hardlink', size: 0, mtimeMs: 0, linkTarget: 'config.txt' })[0]!, /a hard link to "config\.txt".*--hard-dereference/);
  });

  it('sparse members and files over 4 GiB - 1 are refused from their header alone', () => {
    assert.match(headerProblem({ path: 'big.bin', type: 'sparse', size: 5 * 2 ** 30, mtimeMs: 0 })!, /a sparse file \(5368709120 bytes once expanded\).*without --sparse/);
    assert.match(headerProblem(file('huge.bin', 5 * 2 ** 30))!, /5368709120 bytes \(5\.0 GiB\): over FAT32's limit of 4 GiB - 1/);
    assert.equal(headerProblem(file('ok.bin', 2 ** 32 - 1)), null);
  });

  it('counts FAT directory slots per folder (long names take 1 + ceil(len/13)) and refuses a crowded folder by name', () => {
    assert.deepEqual(['config.txt', 'CONFIG.TXT', 'f00001', 'Config.txt', 'overlay-000-MixedCase.dtbo', 'a.b.c', 'ab cd', '.hidden', 'café'].map(fatDirSlots), [1, 1, 1, 2, 3, 2, 2, 2, 2]);
    const many = (dir: string, n: number, name: (i: number) => string) => Array.from({ length: n }, (_, i) => file(`${dir}/${name(i)}`, 0));
    const crowded = checkArchiveMembers([file('config.txt'), ...many('many', 70_000, (i) => `f${String(i).padStart(5, '0')}`)]);
    assert.deepEqual(crowded.problems.map((p) => p.member), ['many/']);
    assert.match(crowded.problems[0]!.cause, /a folder of 70000 files and folders taking 70002 directory slots.*at most 65536 per folder; split it into subfolders/);
    // 30,000 long names (3 slots each) do not fit; 65,000 short ones do
    assert.equal(checkArchiveMembers(many('long', 30_000, (i) => `overlay-${String(i).padStart(5, '0')}.dtbo`)).problems.length, 1);
    assert.equal(checkArchiveMembers(many('short', MAX_DIR_SLOTS - 2, (i) => `f${i}`)).problems.length, 0);
    assert.equal(checkArchiveMembers(many('short', MAX_DIR_SLOTS - 1, (i) => `f${i}`)).problems.length, 1);
  });

  it('tells artifacts by content; Pi 4 vs Pi 5 by pieeprom.bin size', () => {
    const rec = (size: number) => [file('recovery.bin'), file('pieeprom.bin', size), file('pieeprom.sig')];
    assert.equal(recognizeArtifact({ files: rec(512 * 1024) }).kind, 'rpi-4-recovery');
    assert.equal(recognizeArtifact({ files: rec(2 * MiB) }).kind, 'rpi-5-recovery');
    assert.equal(recognizeArtifact({ files: rec(1000), nameHint: 'rpi-5-sd-recovery.tar.gz' }).kind, 'rpi-5-recovery');
    assert.equal(recognizeArtifact({ files: [file('bootcode.bin'), file('start.elf'), file('config.txt'), file('u-boot-rpi-3-b.img')] }).kind, 'rpi-sd-files');
    assert.equal(recognizeArtifact({ files: [], gpt: true, efiFiles: ['EFI/BOOT/BOOTX64.efi'] }).kind, 'pc-usb');
    assert.equal(recognizeArtifact({ files: [file('x')] }).kind, 'unknown');
  });

  it('reads walt.date and the models config.txt serves', () => {
    assert.deepEqual(parseWaltDate('Fri Mar  1 10:20:30 UTC 2024\n1709288430\n'), { text: 'Fri Mar  1 10:20:30 UTC 2024', epochSeconds: 1709288430, iso: '2024-03-01T10:20:30.000Z' });
    const entries = parseConfigTxt('[pi3]\nkernel=u-boot-rpi-3-b.img\n[pi4]\ninclude extra.txt\n', (n) => (n === 'extra.txt' ? 'kernel=u-boot-rpi-4-b.img\n' : null));
    assert.deepEqual(servedModels(entries, (n) => n !== 'u-boot-rpi-4-b.img'), { models: ['rpi-3-b', 'rpi-3-b-plus'], missing: ['u-boot-rpi-4-b.img'] });
  });

  it('parses tar headers pushed byte by byte and reports a truncated archive', () => {
    const header = new Uint8Array(512);
    const put = (at: number, s: string) => header.set(new TextEncoder().encode(s), at);
    put(0, 'hello.txt');
    put(100, '0000644');
    put(124, '00000000005');
    put(136, '14571156356');
    put(156, '0');
    put(257, 'ustar');
    put(148, '        ');
    const sum = header.reduce((s, b) => s + b, 0);
    put(148, sum.toString(8).padStart(6, '0') + '\0 ');
    const archive = new Uint8Array(512 * 4);
    archive.set(header);
    archive.set(new TextEncoder().encode('hello'), 512);
    const p = new TarParser();
    const events = [...archive].flatMap((b) => p.push(Uint8Array.of(b)));
    assert.equal(events.filter((e) => e.type === 'member').length, 1);
    const truncated = new TarParser();
    truncated.push(archive.subarray(0, 514));
    assert.throws(() => truncated.finish(), /truncated/);
  });

  it('tells a zip of files from a zip of images', () => {
    assert.equal(zipHoldsFiles(['walt.img']), false);
    assert.equal(zipHoldsFiles(['notes.txt']), false);
    assert.equal(zipHoldsFiles(['recovery.bin', 'pieeprom.bin', 'pieeprom.sig']), true);
    assert.equal(zipHoldsFiles(['overlays/', 'overlays/a.dtbo', 'u-boot-rpi-3-b.img']), true);
  });
});
