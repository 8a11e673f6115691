import { basename } from 'node:path';
import { type ArtifactKind, recognizeArtifact } from '../../core/card/artifact-kind.js';
import { parseConfigTxt, servedModels } from '../../core/card/config-txt.js';
import { FatReader, type FatEntry } from '../../core/card/fat-volume.js';
import { decodeGptEntries, EFI_SYSTEM_GUID, gptEntryArea, gptEntryBytes, isGptHeader } from '../../core/card/gpt.js';
import { SECTOR } from '../../core/card/layout.js';
import { decodeMbr, GPT_PROTECTIVE, mbrTypeName } from '../../core/card/mbr.js';
import { type RecoveryState, recoveryState } from '../../core/card/recovery.js';
import { parseWaltDate, type WaltDate } from '../../core/card/walt-date.js';
import { fatNameKey } from '../../core/card/fat-names.js';
import { detectPacking } from './archive-reader.js';
import { checkArchive } from './card-builder.js';
import { type BlockFile, openBlockFile } from './block-file.js';

/** A filesystem found on a partition. */
export interface FilesystemReport {
  type: 'FAT12' | 'FAT16' | 'FAT32';
  label: string | null;
  bootLabel: string;
  files: number;
  dirs: number;
  hiddenSectors: number;
}

/** One partition of a card. */
export interface PartitionReport {
  index: number;
  type: string;
  start: number;
  size: number;
  filesystem: FilesystemReport | null;
}

/** Everything walt-bench can say of a card, an image or an archive. */
export interface CardReport {
  path: string;
  source: 'device' | 'image' | 'archive';
  size: number;
  table: 'mbr' | 'gpt' | 'none';
  partitions: PartitionReport[];
  artifact: ArtifactKind;
  artifactReason: string;
  waltDate: WaltDate | null;
  models: string[];
  missingUboot: string[];
  recovery: RecoveryState | null;
  notes: string[];
}

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/**
 * Describes a card, a disk image or an archive of files: partitions, filesystems, artifact, walt.date, models.
 * `open` opens a card or image for reading (the card handlers pass one that went through the PathGuard).
 */
export async function inspectCard(path: string, open: () => Promise<BlockFile> = () => openBlockFile(path)): Promise<CardReport> {
  const packing = await detectPacking(path);
  if (packing) return inspectArchive(path, packing);
  const file = await open();
  try {
    return await inspectDisk(file);
  } finally {
    await file.close();
  }
}

async function inspectArchive(path: string, packing: NonNullable<Awaited<ReturnType<typeof detectPacking>>>): Promise<CardReport> {
  // one reading; only small files are kept (config.txt, its includes, walt.date: what the report reads)
  const { verdict, kept } = await checkArchive(path, packing, { budget: 16 << 20, keep: (m) => m.size <= 1 << 20 });
  const read = (name: string): string | null => {
    const chunks = kept.get(fatNameKey(name));
    return chunks ? text(Buffer.concat(chunks)) : null;
  };
  const fileList = verdict.entries.filter((e) => e.kind === 'file');
  const artifact = recognizeArtifact({ files: fileList, nameHint: basename(path) });
  const names = new Set(fileList.map((f) => fatNameKey(f.path)));
  return {
    path,
    source: 'archive',
    size: verdict.content.bytes,
    table: 'none',
    partitions: [],
    artifact: artifact.kind,
    artifactReason: artifact.reason,
    ...bootFacts(read, (n) => names.has(fatNameKey(n)), fileList.map((f) => ({ name: f.path, short: f.path.toUpperCase() }))),
    notes: [`an archive (${packing}) of ${verdict.content.files} files: walt-bench builds it into a FAT32 card`],
  };
}

function bootFacts(
  read: (name: string) => string | null,
  has: (name: string) => boolean,
  root: { name: string; short: string }[],
): Pick<CardReport, 'waltDate' | 'models' | 'missingUboot' | 'recovery'> {
  const dateText = read('walt.date');
  const config = read('config.txt');
  const served = config ? servedModels(parseConfigTxt(config, read), has) : { models: [], missing: [] };
  const hasRecovery = root.some((e) => /^RECOVERY\.(BIN|000)$/i.test(e.short) || /^recovery\.(bin|000)$/i.test(e.name));
  const recovery = hasRecovery
    ? recoveryState(root.map((e) => ({ shortName: e.short.toUpperCase(), isDir: false, isVolumeLabel: false }))).state
    : null;
  return { waltDate: dateText ? parseWaltDate(dateText) : null, models: served.models, missingUboot: served.missing, recovery };
}

async function inspectDisk(file: BlockFile): Promise<CardReport> {
  const notes: string[] = [];
  const sector0 = await file.read(0, SECTOR);
  const mbr = decodeMbr(sector0);
  const report: CardReport = {
    path: file.path,
    source: file.isDevice ? 'device' : 'image',
    size: file.size,
    table: 'none',
    partitions: [],
    artifact: 'unknown',
    artifactReason: 'no FAT filesystem found',
    waltDate: null,
    models: [],
    missingUboot: [],
    recovery: null,
    notes,
  };
  const readers: { index: number; reader: FatReader; efi: boolean }[] = [];
  const gptHeader = await file.read(SECTOR, SECTOR);
  if (isGptHeader(gptHeader) && (!mbr || mbr.partitions.some((p) => p.type === GPT_PROTECTIVE))) {
    report.table = 'gpt';
    const area = gptEntryArea(gptHeader);
    const entries = decodeGptEntries(await file.read(area.lba * SECTOR, gptEntryBytes(area)), area.count, area.size);
    for (const p of entries) {
      const start = p.firstLba * SECTOR;
      const reader = await FatReader.open((o, l) => file.read(o, l), start).catch(() => null);
      report.partitions.push({ index: p.index, type: `${p.typeName}${p.name ? ` "${p.name}"` : ''}`, start, size: (p.lastLba - p.firstLba + 1) * SECTOR, filesystem: null });
      if (reader) readers.push({ index: p.index, reader, efi: p.typeGuid === EFI_SYSTEM_GUID });
    }
    if (file.size > 0 && !isGptHeader(await file.read(file.size - SECTOR, SECTOR))) {
      notes.push('no backup GPT header in the last sector (an image written to a larger medium, like pc-usb.dd on a stick)');
    }
  } else if (mbr && mbr.partitions.length > 0) {
    report.table = 'mbr';
    for (const p of mbr.partitions) {
      const start = p.startLba * SECTOR;
      report.partitions.push({ index: p.index, type: `0x${p.type.toString(16).padStart(2, '0')} ${mbrTypeName(p.type)}`, start, size: p.sectors * SECTOR, filesystem: null });
      const reader = await FatReader.open((o, l) => file.read(o, l), start).catch(() => null);
      if (reader) readers.push({ index: p.index, reader, efi: false });
    }
    if (isGptHeader(gptHeader)) notes.push('a stale GPT header at LBA 1 next to an MBR: some systems will read the GPT');
  } else {
    const reader = await FatReader.open((o, l) => file.read(o, l), 0).catch(() => null);
    if (reader) {
      report.partitions.push({ index: 0, type: 'no partition table (a filesystem on the whole medium)', start: 0, size: file.size, filesystem: null });
      readers.push({ index: 0, reader, efi: false });
    }
  }
  let main: { reader: FatReader; tree: FatEntry[] } | null = null;
  const efiFiles: string[] = [];
  for (const { index, reader, efi } of readers) {
    const tree = await reader.tree();
    const part = report.partitions.find((p) => p.index === index)!;
    const v = reader.volume;
    part.filesystem = {
      type: v.type,
      label: tree.find((e) => e.isVolumeLabel && !e.path.includes('/'))?.shortName ?? null,
      bootLabel: v.bootLabel,
      files: tree.filter((e) => !e.isDir && !e.isVolumeLabel).length,
      dirs: tree.filter((e) => e.isDir).length,
      hiddenSectors: v.hiddenSectors,
    };
    if (report.table === 'mbr' && v.hiddenSectors !== part.start / SECTOR) {
      notes.push(`partition ${index}: the boot sector's hidden sectors (${v.hiddenSectors}) differ from its start (${part.start / SECTOR})`);
    }
    if (efi) efiFiles.push(...tree.filter((e) => !e.isDir).map((e) => e.path));
    if (!main && !efi) main = { reader, tree };
  }
  const files = (main?.tree ?? []).filter((e) => !e.isDir && !e.isVolumeLabel);
  const artifact = recognizeArtifact({ files: files.map((f) => ({ path: f.path, size: f.size })), gpt: report.table === 'gpt', efiFiles, nameHint: basename(file.path) });
  report.artifact = artifact.kind;
  report.artifactReason = artifact.reason;
  if (main) {
    const byKey = new Map(files.map((f) => [fatNameKey(f.path), f]));
    const contents = new Map<string, string>();
    for (const name of ['walt.date', 'config.txt', 'config-64.txt']) {
      const e = byKey.get(fatNameKey(name));
      if (e && e.size < 1 << 20) contents.set(fatNameKey(name), text(await main.reader.readFile(e)));
    }
    for (const inc of [...(contents.get('CONFIG.TXT') ?? '').matchAll(/^\s*include\s+(\S+)/gm)].map((m) => m[1]!)) {
      const e = byKey.get(fatNameKey(inc));
      if (e && e.size < 1 << 20 && !contents.has(fatNameKey(inc))) contents.set(fatNameKey(inc), text(await main.reader.readFile(e)));
    }
    const root = main.tree.filter((e) => !e.path.includes('/') && !e.isDir && !e.isVolumeLabel);
    Object.assign(
      report,
      bootFacts((n) => contents.get(fatNameKey(n)) ?? null, (n) => byKey.has(fatNameKey(n)), root.map((e) => ({ name: e.name, short: e.shortName }))),
    );
  }
  return report;
}
