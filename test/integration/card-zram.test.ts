import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DriveIdentityData } from '../../src-main/api/contract.js';
import { nextEvent, startTestBackend, type TestBackend } from '../support/backend.js';
import { type FixtureFile, makeArchive, recoveryFiles, rpiSdFiles } from '../support/card-archives.js';
import { fsckPartition, mcopyAll, mdir, sfdiskDump } from '../support/card-tools.js';
import { assertBuilt, runCli } from '../support/cli.js';
import { startUbootBoard, ubootBoardAvailable } from '../support/qemu-uboot.js';
import { createZramCard, readHead, type ZramCard, zramAvailable } from '../support/zram.js';

const MiB = 1 << 20;
const skip = zramAvailable() ? false : 'needs root and zram';

/** Puts a stale GPT on a card: "EFI PART" at LBA 1 and in the last sector, and junk in the partition area. */
function dirtyCard(card: ZramCard): void {
  const junk = Buffer.alloc(card.size, 0x77);
  junk.write('EFI PART', 512, 'latin1');
  junk.write('EFI PART', card.size - 512, 'latin1');
  writeFileSync(card.device, junk);
}

async function identities(t: TestBackend, cards: ZramCard[]): Promise<DriveIdentityData[]> {
  const drives = await t.api.call('drives.list', {});
  return cards.map((c) => {
    const d = drives.find((x) => x.device === c.device)!;
    return { device: d.device, size: d.size, description: d.description, serial: d.serial };
  });
}

describe('cards built from archives, written to zram cards by the flashing pipeline', { skip }, () => {
  let t: TestBackend;
  let work: string;
  const cards: ZramCard[] = [];

  before(async () => {
    t = await startTestBackend();
    work = mkdtempSync(join(tmpdir(), 'wb-cardz-'));
  });
  after(async () => {
    await t.close();
    for (const c of cards) c.remove();
    rmSync(work, { recursive: true, force: true });
  });

  it('writes rpi-sd-files to two cards sparse, verified, journaled; stale GPTs cleared', async () => {
    const files = rpiSdFiles();
    const content = files.reduce((s, f) => s + f.data.length, 0);
    const archive = makeArchive(work, 'rpi-sd-files.tar.gz', files);
    const two = [createZramCard(128 * MiB), createZramCard(96 * MiB)];
    cards.push(...two);
    two.forEach(dirtyCard);
    const done = nextEvent(t.api, 'flash.done', undefined, 60000);
    const session = await t.api.call('flash.start', { image: archive, drives: await identities(t, two), verify: true });
    assert.equal(session.image.card?.artifact, 'rpi-sd-files');
    const { results } = await done;
    for (const r of results) {
      assert.equal(r.ok, true, r.error ?? '');
      assert.equal(r.verified, true);
      // sparse: the content plus FAT metadata and the GPT clears, far from the 68 MiB image
      assert.ok(r.bytes <= content * 1.15 + 2 * MiB, `${r.bytes} bytes written for ${content} bytes of content`);
    }
    for (const card of two) {
      assert.match(sfdiskDump(card.device), /start=\s*8192, size=\s*131072, type=c\b/);
      assert.ok(readHead(card.device, 34 * 512).subarray(512).every((b) => b === 0), 'LBA 1..33 cleared');
      const tail = execFileSync('dd', [`if=${card.device}`, 'bs=512', `skip=${card.size / 512 - 33}`, 'status=none']);
      assert.ok(tail.every((b) => b === 0), 'backup GPT cleared');
      assert.equal(fsckPartition(card.device).status, 0);
      const back = mcopyAll(card.device);
      for (const f of files) assert.ok(back.get(f.path)?.equals(f.data), `${card.device}: ${f.path}`);
    }
    const { records } = await t.api.call('journal.list', {});
    assert.deepEqual(records.slice(-2).map((r) => [r.imageName, r.result, r.verified]).sort(), [
      ['rpi-sd-files.tar.gz', 'ok', true],
      ['rpi-sd-files.tar.gz', 'ok', true],
    ]);
  });

  it('refuses content larger than the card before writing anything', async () => {
    const card = createZramCard(96 * MiB);
    cards.push(card);
    const big: FixtureFile[] = [{ path: 'config.txt', data: Buffer.from('x') }, { path: 'blob.bin', data: Buffer.alloc(80 * MiB) }];
    const archive = makeArchive(work, 'too-big.tar.gz', big);
    await assert.rejects(t.api.call('flash.start', { image: archive, drives: await identities(t, [card]), verify: true }), /too small/);
    assert.ok(readHead(card.device, MiB).every((b) => b === 0), 'nothing written');
  });

  it('CLI: flash <recovery archive> builds and writes; inspect says used after a board renamed it; rearm', async () => {
    assertBuilt();
    const card = createZramCard(128 * MiB);
    cards.push(card);
    const files = recoveryFiles(5);
    const archive = makeArchive(work, 'rpi-5-sd-recovery.tar.gz', files);
    const env = { WALT_BENCH_HOME: join(work, 'cli-home'), WALT_BENCH_VIRTUAL_DRIVES: '1' };
    const flash = await runCli(['flash', archive, '--drive', card.device, '--yes', '--json'], env);
    assert.equal(flash.status, 0, flash.stderr);
    const done = JSON.parse(flash.stdout.trim().split('\n').at(-1)!) as { event: string; results: { ok: boolean; bytes: number }[] };
    assert.equal(done.event, 'done');
    assert.ok(done.results[0]!.ok && done.results[0]!.bytes < 4 * MiB, `sparse: ${done.results[0]!.bytes} bytes`);
    const inspect1 = JSON.parse((await runCli(['inspect', card.device, '--json'], env)).stdout) as { artifact: string; recovery: string };
    assert.deepEqual([inspect1.artifact, inspect1.recovery], ['rpi-5-recovery', 'armed']);
    execFileSync('mren', ['-i', `${card.device}@@4M`, '::recovery.bin', '::RECOVERY.000']);
    const used = await runCli(['inspect', card.device], env);
    assert.match(used.stdout, /recovery\.bin was renamed RECOVERY\.000 by a board/);
    const rearm = await runCli(['rearm', card.device], env);
    assert.equal(rearm.status, 0, rearm.stderr);
    assert.match(rearm.stdout, /RECOVERY\.000 renamed back to recovery\.bin/);
    assert.match(mdir(card.device), /recovery\s+bin/i);
    assert.equal(fsckPartition(card.device).status, 0);
    assert.ok(mcopyAll(card.device).get('recovery.bin')?.equals(files.find((f) => f.path === 'recovery.bin')!.data));
  });

  it('a card holding a U-Boot boot.scr boots QEMU U-Boot from the zram card and runs the script', { skip: ubootBoardAvailable() ? false : 'needs qemu-system-aarch64 and u-boot-qemu' }, async () => {
    const script = join(work, 'boot.txt');
    writeFileSync(script, 'echo WALT-BENCH-CARD-BOOT-OK from ${devtype} ${devnum}:${distro_bootpart}\npoweroff\n');
    const scr = join(work, 'boot.scr');
    execFileSync('mkimage', ['-A', 'arm64', '-T', 'script', '-C', 'none', '-d', script, scr], { stdio: 'ignore' });
    const files: FixtureFile[] = [
      { path: 'boot.scr', data: readFileSync(scr) },
      { path: 'walt.date', data: Buffer.from('Fri Mar  1 10:20:30 UTC 2024\n1709288430\n') },
    ];
    const archive = makeArchive(work, 'uboot-card.tar.gz', files);
    const card = createZramCard(128 * MiB);
    cards.push(card);
    dirtyCard(card);
    const done = nextEvent(t.api, 'flash.done', undefined, 60000);
    await t.api.call('flash.start', { image: archive, drives: await identities(t, [card]), verify: true });
    assert.equal((await done).results[0]?.ok, true);
    const board = await startUbootBoard({ drive: card.device, noReboot: true });
    try {
      const m = await board.waitForLog(/WALT-BENCH-CARD-BOOT-OK from (\S+) (\d+):(\d+)/, 30000);
      assert.deepEqual([m[1], m[2], m[3]], ['virtio', '0', '1']);
    } finally {
      await board.stop();
    }
  });
});
