/**
 * npm run bench:card: building a FAT32 card from an rpi-sd-files-like archive (~300 files, ~25 MiB) against
 * mkfs.vfat + mcopy of the same files into the same partition size, same run (medians of BENCH_RUNS); then the
 * bytes written to a zram card (sparse) against the content size, and the card's write + verify wall time.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nextEvent, startTestBackend } from '../support/backend.js';
import { makeArchive, rpiSdFiles } from '../support/card-archives.js';
import { createZramCard, zramAvailable } from '../support/zram.js';
import { buildCard, buildCardFile } from '../../src-main/services/card/card-builder.js';
import { processCaller } from '../../src-main/services/access/caller.js';
import { checkOutput } from '../../src-main/services/access/output-file.js';

/** An output the bench may replace run after run. */
const replaceable = (path: string) => checkOutput(path, { caller: processCaller(), overwrite: true, sources: [], deviceHint: '' });

const MiB = 1 << 20;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(fn: () => Promise<void> | void): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'wb-bench-card-'));
  try {
    const files = rpiSdFiles({ overlays: 300, blobMiB: 3 });
    const content = files.reduce((s, f) => s + f.data.length, 0);
    const archive = makeArchive(work, 'rpi-sd-files.tar.gz', files);
    const folder = join(work, 'rpi-sd-files.tar.gz.d');
    const first = await buildCard(archive, 'tar.gz');
    const partBytes = first.layout.partitionBytes;
    console.log(`archive: ${files.length} files, ${(content / MiB).toFixed(1)} MiB of content; partition ${partBytes / MiB} MiB`);

    const ours: number[] = [];
    const oursFolder: number[] = [];
    const ref: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      // what `walt-bench card build -o` runs: built straight into the fdatasynced image file
      ours.push(await timed(async () => void (await buildCardFile(archive, 'tar.gz', replaceable(join(work, 'ours.img'))))));
      oursFolder.push(await timed(async () => void (await buildCardFile(folder, 'folder', replaceable(join(work, 'ours2.img'))))));
      ref.push(
        await timed(() => {
          const img = join(work, 'ref.img');
          rmSync(img, { force: true });
          execFileSync('truncate', ['-s', String(partBytes), img]);
          execFileSync('mkfs.vfat', ['-F', '32', '-n', 'WALT', img], { stdio: 'ignore' });
          execFileSync('sh', ['-c', `cd "${folder}" && mcopy -s -m -i "${img}" ./* ::/`]);
          execFileSync('sync', ['-d', img]); // walt-bench's image file is fdatasynced too
        }),
      );
    }
    const o = median(ours);
    const of = median(oursFolder);
    const r = median(ref);
    console.log(`build, walt-bench from the tar.gz (gunzip + tar + FatFs into the image file): ${o.toFixed(0)} ms`);
    console.log(`build, walt-bench from the extracted folder:                          ${of.toFixed(0)} ms`);
    console.log(`build, mkfs.vfat -F 32 + mcopy -s of the extracted folder + sync -d:   ${r.toFixed(0)} ms`);
    console.log(`ratio (tar.gz) ${(o / r).toFixed(2)}x, ratio (folder) ${(of / r).toFixed(2)}x  (target <= 1.0x)`);

    if (!zramAvailable()) {
      console.log('card write: skipped (needs root and zram)');
      return;
    }
    const t = await startTestBackend();
    const card = createZramCard(256 * MiB);
    try {
      const d = (await t.api.call('drives.list', {})).find((x) => x.device === card.device)!;
      const done = nextEvent(t.api, 'flash.done', undefined, 60000);
      await t.api.call('flash.start', {
        image: archive,
        drives: [{ device: d.device, size: d.size, description: d.description, serial: d.serial }],
        verify: true,
      });
      const result = (await done).results[0]!;
      if (!result.ok) throw new Error(result.error ?? 'flash failed');
      console.log(`card (zram, 256 MiB): ${(result.bytes / MiB).toFixed(2)} MiB written for ${(content / MiB).toFixed(2)} MiB of content: ` +
        `${(result.bytes / content).toFixed(3)}x (target <= 1.15x); image ${(first.image.size / MiB).toFixed(0)} MiB`);
      console.log(`card write + verify wall time (build included, unthrottled zram): ${result.durationMs} ms`);
    } finally {
      await t.close();
      card.remove();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
