import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { ApiError } from '../../api/errors.js';
import { openOutputPartSync, type OutputTarget, placeOutput } from '../access/output-file.js';
import {
  type ArchiveMember,
  type ArchiveVerdict,
  type CardEntry,
  checkArchiveMembers,
  describeProblems,
  headerProblem,
  type MemberProblem,
  normalizeMemberPath,
} from '../../core/card/archive-rules.js';
import { type ArtifactKind, recognizeArtifact } from '../../core/card/artifact-kind.js';
import { fatNameKey } from '../../core/card/fat-names.js';
import { setEntryTimes } from '../../core/card/fat-time.js';
import { fatLayout, FatReader, normalizeVolumeLabel, parseBootSector, volumeLabelEntry } from '../../core/card/fat-volume.js';
import { type CardLayout, planCardLayout, SECTOR } from '../../core/card/layout.js';
import { encodeMbr, FAT32_LBA } from '../../core/card/mbr.js';
import { type ArchivePacking, type MemberVisitor, visitArchive } from './archive-reader.js';
import { check, fatFs, type FatFsHandle } from './fatfs.js';
import { type CardImage, FileImage } from './file-image.js';
import { SparseImage } from './sparse-image.js';

/** A card image built from an archive of files (in memory by default, or in a file). */
export interface BuiltCard<I extends CardImage = SparseImage> {
  image: I;
  layout: CardLayout;
  verdict: ArchiveVerdict;
  artifact: { kind: ArtifactKind; reason: string };
  label: string;
  buildMs: number;
  /** Times the archive was read: 1 when its files fitted the memory budget, 2 when they were streamed again. */
  passes: number;
}

/** Options of a build: the card it is for (its size bounds the partition) and whether to grow to it. */
export interface BuildOptions {
  cardBytes?: number | null;
  growToCard?: boolean;
  label?: string;
  now?: () => number;
  /** File bytes kept from the first reading (the rules' pass) so small archives are read once; default 32 MiB. */
  memoryBudget?: number;
}

/** Default bytes of file content held in memory between the rules' pass and the build. */
export const DEFAULT_MEMORY_BUDGET = 32 << 20;

/** An archive read once and judged: its members, the verdict, and the bytes of the files kept within the budget. */
export interface CheckedArchive {
  members: ArchiveMember[];
  verdict: ArchiveVerdict;
  /** Chunks of the files kept, by FAT key of their card path. */
  kept: Map<string, Uint8Array[]>;
}

function refusal(path: string, problems: MemberProblem[]): ApiError {
  return new ApiError(
    'source-error',
    `${basename(path)} cannot become a FAT32 card: ${describeProblems(problems)}`,
    'repack the archive as said for each member; nothing was written to any card',
  );
}

const cardKey = (m: ArchiveMember): string | null => {
  const norm = normalizeMemberPath(m.path);
  return norm.ok ? fatNameKey(norm.path) : null;
};

/**
 * Reads an archive once, streaming, and applies the card rules: a sparse member or a file over 4 GiB - 1 stops the
 * reading at its header; every other problem is listed after, naming each member and cause, before anything is
 * built. Keeps the bytes of the files `keep` accepts while they fit in `budget`.
 */
export async function checkArchive(
  path: string,
  packing: ArchivePacking,
  options: { budget?: number; keep?: (m: ArchiveMember) => boolean } = {},
): Promise<CheckedArchive> {
  const members: ArchiveMember[] = [];
  const kept = new Map<string, Uint8Array[]>();
  let keptBytes = 0;
  let current: Uint8Array[] | null = null;
  const budget = options.budget ?? 0;
  await visitArchive(path, packing, {
    member(m) {
      const stop = headerProblem(m);
      if (stop) {
        const at = m.headerOffset !== undefined ? ` (its header is at byte ${m.headerOffset})` : '';
        throw refusal(path, [{ member: m.path, cause: `${stop}${at}` }]);
      }
      members.push(m);
      current = null;
      const key = m.type === 'file' ? cardKey(m) : null;
      if (key === null || kept.has(key) || keptBytes + m.size > budget || !(options.keep?.(m) ?? true)) return false;
      keptBytes += m.size;
      current = [];
      kept.set(key, current);
      return true;
    },
    data(bytes) {
      current?.push(bytes.slice());
    },
    end() {
      current = null;
    },
  });
  const verdict = checkArchiveMembers(members);
  if (verdict.problems.length > 0) throw refusal(path, verdict.problems);
  if (verdict.content.files === 0) {
    throw new ApiError('source-error', `${basename(path)} holds no files`, 'choose the archive of the boot files');
  }
  return { members, verdict, kept };
}

/**
 * Builds the card image of an archive in memory: an MBR with one FAT32 (LBA) partition at 4 MiB, formatted by ChaN's
 * FatFs, holding every file and folder with its name, size and modification time, with the volume label in the
 * boot sector and in the root directory, and the hidden-sectors field set to the partition start.
 */
export function buildCard(path: string, packing: ArchivePacking, options: BuildOptions = {}): Promise<BuiltCard> {
  return buildInto(path, packing, (size) => new SparseImage(size), options);
}

/**
 * Builds the card image of an archive straight into a checked output (its `.part` created fresh, fdatasynced, then
 * put in place by the output's rules): memory stays bounded whatever the archive's size; a refused or failed build
 * leaves no file.
 */
export async function buildCardFile(path: string, packing: ArchivePacking, target: OutputTarget, options: BuildOptions = {}): Promise<BuiltCard<FileImage>> {
  let image: FileImage | null = null;
  try {
    const built = await buildInto(path, packing, (size) => {
      const { fd, tmp } = openOutputPartSync(target);
      return (image = new FileImage(fd, tmp, size));
    }, options);
    built.image.finish();
    await placeOutput(target, `${target.path}.part`);
    return built;
  } catch (error) {
    (image as FileImage | null)?.discard();
    throw error;
  }
}

async function buildInto<I extends CardImage>(path: string, packing: ArchivePacking, makeImage: (size: number) => I, options: BuildOptions): Promise<BuiltCard<I>> {
  const started = (options.now ?? Date.now)();
  const checked = await checkArchive(path, packing, { budget: options.memoryBudget ?? DEFAULT_MEMORY_BUDGET });
  const { verdict } = checked;
  const plan = planCardLayout(verdict.content, { cardBytes: options.cardBytes ?? null, growToCard: options.growToCard ?? false });
  if (!plan.ok) throw new ApiError('refused', `${basename(path)}: ${plan.message}`, 'use a larger card; nothing was written');
  const { layout } = plan;
  const label = normalizeVolumeLabel(options.label ?? 'WALT');
  const image = makeImage(layout.imageBytes);
  const fat = await fatFs();
  const passes = await fat.use(
    { base: layout.partitionStart, sectors: layout.partitionBytes / SECTOR, write: (o, d) => image.write(o, d), read: (o, l, out) => void image.read(o, l, out) },
    () => fillVolume(fat, image, layout, label, path, packing, checked),
  );
  patchBootSectors(image, layout, label);
  await setTimes(image, layout, verdict);
  image.write(0, encodeMbr([{ bootable: false, type: FAT32_LBA, startLba: layout.partitionStart / SECTOR, sectors: layout.partitionBytes / SECTOR }], randomBytes(4).readUInt32LE(0)));
  // LBA 1..33: the primary GPT of whatever the card held before is cleared (the first block is written whole)
  image.write(SECTOR, new Uint8Array(33 * SECTOR));
  const artifact = recognizeArtifact({ files: verdict.entries.filter((e) => e.kind === 'file'), nameHint: basename(path) });
  return { image, layout, verdict, artifact, label, buildMs: (options.now ?? Date.now)() - started, passes };
}

/** Formats the volume and writes every folder and file: kept files from memory, the others streamed again. */
async function fillVolume(
  { F, ff }: FatFsHandle,
  image: CardImage,
  layout: CardLayout,
  label: string,
  path: string,
  packing: ArchivePacking,
  { verdict, kept }: CheckedArchive,
): Promise<number> {
  const fs = ff.malloc(F.sizeof_FATFS);
  const fp = ff.malloc(F.sizeof_FIL);
  const bw = ff.malloc(4);
  const bufBytes = 1 << 20;
  const buf = ff.malloc(bufBytes);
  let open: { entry: CardEntry; written: number } | null = null;
  const write = (bytes: Uint8Array): void => {
    const entry = open!.entry;
    for (let at = 0; at < bytes.length; at += bufBytes) {
      const piece = bytes.subarray(at, Math.min(bytes.length, at + bufBytes));
      ff.HEAPU8.set(piece, buf);
      check(ff.f_write(fp, buf, piece.length, bw), `write ${entry.path}`);
      if (ff.getValue(bw, 'i32') !== piece.length) throw new ApiError('refused', `${entry.path}: the card's filesystem is full`);
      open!.written += piece.length;
    }
  };
  const create = (entry: CardEntry): void => {
    check(ff.f_open(fp, entry.path, F.FA_WRITE | F.FA_CREATE_NEW), `create ${entry.path}`);
    open = { entry, written: 0 };
  };
  const close = (): void => {
    const { entry, written } = open!;
    open = null;
    check(ff.f_close(fp), `close ${entry.path}`);
    if (written !== entry.size) {
      throw new ApiError('source-error', `${basename(path)}: ${entry.path} holds ${written} bytes where the archive says ${entry.size}`, 'the archive is corrupt (or changed while read): download it again');
    }
  };
  try {
    check(ff.f_mkfs('', { fmt: F.FM_FAT32 | F.FM_SFD, n_fat: 2, align: 0, n_root: 0, au_size: 0 }, buf, bufBytes), 'mkfs');
    writeRootLabel(image, layout.partitionStart, label);
    check(ff.f_mount(fs, '', 1), 'mount');
    for (const entry of verdict.entries) if (entry.kind === 'dir') check(ff.f_mkdir(entry.path), `mkdir ${entry.path}`);
    const files = new Map(verdict.entries.filter((e) => e.kind === 'file').map((e) => [fatNameKey(e.path), e]));
    const done = new Set<string>();
    for (const [key, entry] of files) {
      const chunks = kept.get(key);
      if (!chunks) continue;
      create(entry);
      chunks.forEach(write);
      close();
      done.add(key);
    }
    let passes = 1;
    if (done.size < files.size) {
      passes = 2;
      const visitor: MemberVisitor = {
        member(m) {
          const key = m.type === 'file' ? cardKey(m) : null;
          const entry = key === null ? undefined : files.get(key);
          if (key === null || !entry || done.has(key)) return false;
          done.add(key);
          create(entry);
          return true;
        },
        data: write,
        end: close,
      };
      await visitArchive(path, packing, visitor);
      if (done.size < files.size) {
        const missing = [...files.keys()].find((k) => !done.has(k))!;
        throw new ApiError('source-error', `${basename(path)}: ${files.get(missing)!.path} was not found when the archive was read again`, 'the archive changed while read: try again');
      }
    }
    check(ff.f_unmount(''), 'unmount');
    return passes;
  } finally {
    for (const p of [fs, fp, bw, buf]) ff.free(p);
  }
}

/** Puts the volume-label entry in the first slot of the (empty, freshly made) root directory. */
function writeRootLabel(image: CardImage, partitionStart: number, label: string): void {
  const vol = parseBootSector(image.read(partitionStart, SECTOR), partitionStart);
  if (!vol || vol.type !== 'FAT32') throw new Error('FatFs did not make a FAT32 volume');
  const { dataStart, clusterBytes } = fatLayout(vol);
  const entry = volumeLabelEntry(label);
  setEntryTimes(entry, Date.now());
  image.write(dataStart + (vol.rootCluster - 2) * clusterBytes, entry);
}

/** Sets the label and the hidden sectors (= partition start) in the boot sector and its backup. */
function patchBootSectors(image: CardImage, layout: CardLayout, label: string): void {
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
async function setTimes(image: CardImage, layout: CardLayout, verdict: ArchiveVerdict): Promise<void> {
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
