import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { ApiError } from '../../api/errors.js';
import { type ArchiveVerdict, checkArchiveMembers, describeProblems } from '../../core/card/archive-rules.js';
import { type ArtifactKind, recognizeArtifact } from '../../core/card/artifact-kind.js';
import { fatNameKey } from '../../core/card/fat-names.js';
import { setEntryTimes } from '../../core/card/fat-time.js';
import { fatLayout, FatReader, normalizeVolumeLabel, parseBootSector, volumeLabelEntry } from '../../core/card/fat-volume.js';
import { type CardLayout, planCardLayout, SECTOR } from '../../core/card/layout.js';
import { encodeMbr, FAT32_LBA } from '../../core/card/mbr.js';
import { type ArchiveContent, type ArchivePacking, readArchive } from './archive-reader.js';
import { check, fatFs } from './fatfs.js';
import { SparseImage } from './sparse-image.js';

/** A card image built from an archive of files, held sparse in memory. */
export interface BuiltCard {
  image: SparseImage;
  layout: CardLayout;
  verdict: ArchiveVerdict;
  artifact: { kind: ArtifactKind; reason: string };
  label: string;
  buildMs: number;
}

/** Options of a build: the card it is for (its size bounds the partition) and whether to grow to it. */
export interface BuildOptions {
  cardBytes?: number | null;
  growToCard?: boolean;
  label?: string;
  now?: () => number;
}

/** Reads an archive and applies the card rules: refuses, naming each member and cause, before anything is built. */
export async function checkArchive(path: string, packing: ArchivePacking, withData: boolean): Promise<{ content: ArchiveContent; verdict: ArchiveVerdict }> {
  const content = await readArchive(path, packing, withData);
  const verdict = checkArchiveMembers(content.members);
  if (verdict.problems.length > 0) {
    throw new ApiError(
      'source-error',
      `${basename(path)} cannot become a FAT32 card: ${describeProblems(verdict.problems)}`,
      'repack the archive without these members; nothing was written to any card',
    );
  }
  if (verdict.content.files === 0) {
    throw new ApiError('source-error', `${basename(path)} holds no files`, 'choose the archive of the boot files');
  }
  return { content, verdict };
}

/**
 * Builds the card image of an archive: an MBR with one FAT32 (LBA) partition at 4 MiB, formatted by ChaN's FatFs,
 * holding every file and folder with its name, size and modification time, with the volume label in the boot
 * sector and in the root directory, and the hidden-sectors field set to the partition start.
 */
export async function buildCard(path: string, packing: ArchivePacking, options: BuildOptions = {}): Promise<BuiltCard> {
  const started = (options.now ?? Date.now)();
  const { content, verdict } = await checkArchive(path, packing, true);
  const plan = planCardLayout(verdict.content, { cardBytes: options.cardBytes ?? null, growToCard: options.growToCard ?? false });
  if (!plan.ok) throw new ApiError('refused', `${basename(path)}: ${plan.message}`, 'use a larger card; nothing was written');
  const { layout } = plan;
  const label = normalizeVolumeLabel(options.label ?? 'WALT');
  const image = new SparseImage(layout.imageBytes);
  const { F, ff, use } = await fatFs();
  await use(
    { base: layout.partitionStart, sectors: layout.partitionBytes / SECTOR, write: (o, d) => image.write(o, d), read: (o, l, out) => image.read(o, l, out) },
    () => {
      const work = ff.malloc(F.FF_MAX_SS * 8);
      const fs = ff.malloc(F.sizeof_FATFS);
      const fp = ff.malloc(F.sizeof_FIL);
      const bw = ff.malloc(4);
      const bufBytes = 1 << 20;
      const buf = ff.malloc(bufBytes);
      try {
        check(ff.f_mkfs('', { fmt: F.FM_FAT32 | F.FM_SFD, n_fat: 2, align: 0, n_root: 0, au_size: 0 }, work, F.FF_MAX_SS * 8), 'mkfs');
        writeRootLabel(image, layout.partitionStart, label);
        check(ff.f_mount(fs, '', 1), 'mount');
        verdict.entries.forEach((entry) => {
          if (entry.kind === 'dir') check(ff.f_mkdir(entry.path), `mkdir ${entry.path}`);
        });
        const dataByPath = new Map<string, Uint8Array[]>();
        content.members.forEach((m, i) => {
          const chunks = content.data[i];
          if (chunks) dataByPath.set(fatNameKey(m.path.split('/').filter((p) => p !== '' && p !== '.').join('/')), chunks);
        });
        for (const entry of verdict.entries) {
          if (entry.kind !== 'file') continue;
          const chunks = dataByPath.get(fatNameKey(entry.path)) ?? [];
          check(ff.f_open(fp, entry.path, F.FA_WRITE | F.FA_CREATE_NEW), `create ${entry.path}`);
          let written = 0;
          for (const chunk of chunks) {
            for (let at = 0; at < chunk.length; at += bufBytes) {
              const piece = chunk.subarray(at, Math.min(chunk.length, at + bufBytes));
              ff.HEAPU8.set(piece, buf);
              check(ff.f_write(fp, buf, piece.length, bw), `write ${entry.path}`);
              if (ff.getValue(bw, 'i32') !== piece.length) throw new ApiError('refused', `${entry.path}: the card's filesystem is full`);
              written += piece.length;
            }
          }
          check(ff.f_close(fp), `close ${entry.path}`);
          if (written !== entry.size) {
            throw new ApiError('source-error', `${basename(path)}: ${entry.path} holds ${written} bytes where the archive says ${entry.size}`, 'the archive is corrupt: download it again');
          }
        }
        check(ff.f_unmount(''), 'unmount');
      } finally {
        for (const p of [work, fs, fp, bw, buf]) ff.free(p);
      }
    },
  );
  patchBootSectors(image, layout, label);
  await setTimes(image, layout, verdict);
  image.write(0, encodeMbr([{ bootable: false, type: FAT32_LBA, startLba: layout.partitionStart / SECTOR, sectors: layout.partitionBytes / SECTOR }], randomBytes(4).readUInt32LE(0)));
  // LBA 1..33: the primary GPT of whatever the card held before is cleared (the first block is written whole)
  image.write(SECTOR, new Uint8Array(33 * SECTOR));
  const artifact = recognizeArtifact({ files: verdict.entries.filter((e) => e.kind === 'file'), nameHint: basename(path) });
  return { image, layout, verdict, artifact, label, buildMs: (options.now ?? Date.now)() - started };
}

/** Puts the volume-label entry in the first slot of the (empty, freshly made) root directory. */
function writeRootLabel(image: SparseImage, partitionStart: number, label: string): void {
  const vol = parseBootSector(image.read(partitionStart, SECTOR), partitionStart);
  if (!vol || vol.type !== 'FAT32') throw new Error('FatFs did not make a FAT32 volume');
  const { dataStart, clusterBytes } = fatLayout(vol);
  const entry = volumeLabelEntry(label);
  setEntryTimes(entry, Date.now());
  image.write(dataStart + (vol.rootCluster - 2) * clusterBytes, entry);
}

/** Sets the label and the hidden sectors (= partition start) in the boot sector and its backup. */
function patchBootSectors(image: SparseImage, layout: CardLayout, label: string): void {
  const boot = image.read(layout.partitionStart, SECTOR);
  const backupSector = new DataView(boot.buffer).getUint16(50, true);
  for (const sector of backupSector > 0 && backupSector < 32 ? [0, backupSector] : [0]) {
    const at = layout.partitionStart + sector * SECTOR;
    const bs = image.read(at, SECTOR);
    new DataView(bs.buffer).setUint32(28, layout.partitionStart / SECTOR, true);
    bs.set(new TextEncoder().encode(label.padEnd(11, ' ')), 71);
    image.write(at, bs);
  }
}

/** Sets every entry's write, creation and access times to the archive member's modification time. */
async function setTimes(image: SparseImage, layout: CardLayout, verdict: ArchiveVerdict): Promise<void> {
  const reader = await FatReader.open(async (o, l) => image.read(o, l), layout.partitionStart);
  if (!reader) throw new Error('the built volume cannot be read back');
  const times = new Map(verdict.entries.map((e) => [fatNameKey(e.path), e.mtimeMs]));
  for (const entry of await reader.tree()) {
    const ms = times.get(fatNameKey(entry.path));
    if (ms === undefined) continue;
    const bytes = image.read(entry.entryOffset, 32);
    setEntryTimes(bytes, ms);
    image.write(entry.entryOffset, bytes);
  }
}
