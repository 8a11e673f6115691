import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ArtifactKind } from '../../core/card/artifact-kind.js';
import { recognizeArtifact } from '../../core/card/artifact-kind.js';
import { planCardLayout } from '../../core/card/layout.js';
import type { SourceKind } from '../../core/flash/source-kind.js';
import { ApiError } from '../../api/errors.js';
import { sourceDevicesOf } from '../drives/source-device.js';
import type { ImageInfo } from '../flash/image-inspect.js';
import type { CardRegion } from '../flash/card-device.js';
import { type ArchivePacking, detectPacking } from './archive-reader.js';
import { type BuiltCard, buildCard, checkArchive } from './card-builder.js';

/** What walt-bench knows of an archive of card files before building it. */
export interface CardSourceInfo {
  packing: ArchivePacking;
  files: number;
  dirs: number;
  contentBytes: number;
  partitionBytes: number;
  artifact: ArtifactKind;
  artifactReason: string;
}

function kindOf(packing: ArchivePacking): SourceKind {
  switch (packing) {
    case 'tar':
      return 'tar';
    case 'tar.gz':
      return 'gz';
    case 'zip':
      return 'zip';
    case 'folder':
      return 'folder';
  }
}

const scans = new Map<string, Promise<ImageInfo>>();

/**
 * Inspects a source that is an archive of files (by content): reads it through once, applies every card rule
 * (refusing hostile members with their names and causes) and plans the card. Null for a disk image.
 * Results are remembered per file version (path, size, mtime).
 */
export async function inspectCardSource(path: string): Promise<ImageInfo | null> {
  const packing = await detectPacking(path);
  if (!packing) return null;
  const st = await stat(path);
  const key = `${path}\0${st.size}\0${st.mtimeMs}`;
  let scan = scans.get(key);
  if (!scan) {
    scan = scanCardSource(path, packing, st.size);
    scans.set(key, scan);
    scan.catch(() => scans.delete(key));
  }
  return scan;
}

async function scanCardSource(path: string, packing: ArchivePacking, fileSize: number): Promise<ImageInfo> {
  const { verdict } = await checkArchive(path, packing);
  const plan = planCardLayout(verdict.content);
  if (!plan.ok) throw new ApiError('source-error', plan.message);
  const artifact = recognizeArtifact({ files: verdict.entries.filter((e) => e.kind === 'file'), nameHint: basename(path) });
  return {
    path,
    name: basename(path),
    kind: kindOf(packing),
    fileSize,
    size: plan.layout.imageBytes,
    sizeIsEstimate: false,
    entries: [],
    entry: null,
    sourceDevices: await sourceDevicesOf(path),
    warnings: [],
    card: {
      packing,
      files: verdict.content.files,
      dirs: verdict.content.dirs,
      contentBytes: verdict.content.bytes,
      partitionBytes: plan.layout.partitionBytes,
      artifact: artifact.kind,
      artifactReason: artifact.reason,
    },
  };
}

/** A built card ready for any number of cards: its size and the regions each card gets. */
export interface PreparedCard {
  path: string;
  size: number;
  built: BuiltCard;
  /** The regions for a card of a given size (built again, larger, when the partition grows to each card). */
  regionsFor(cardBytes: number | null): Promise<{ size: number; regions: CardRegion[] }>;
}

/** Builds a card source once (and once more per card size when growing to the card). */
export async function prepareCardSource(info: ImageInfo, options: { growToCard?: boolean } = {}): Promise<PreparedCard> {
  if (!info.card) throw new ApiError('internal', `${info.name} is not an archive of card files`);
  const packing = info.card.packing;
  const built = await buildCard(info.path, packing);
  const byCardSize = new Map<number, Promise<BuiltCard>>();
  const regions = (card: BuiltCard): { size: number; regions: CardRegion[] } => ({ size: card.image.size, regions: card.image.extents() });
  const plain = regions(built);
  return {
    path: info.path,
    size: built.image.size,
    built,
    async regionsFor(cardBytes) {
      if (!options.growToCard || cardBytes === null) return plain;
      let grown = byCardSize.get(cardBytes);
      if (!grown) {
        grown = buildCard(info.path, packing, { cardBytes, growToCard: true });
        byCardSize.set(cardBytes, grown);
      }
      return regions(await grown);
    },
  };
}
