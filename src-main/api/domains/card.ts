import { z } from 'zod';
import { Catalog } from '../../core/card/catalog.js';
import * as S from '../schemas.js';
import { lazyDomain } from '../lazy-domain.js';

/**
 * The Card domain (cards built from archives, the catalog). Its schemas are built the first time the contract looks
 * up one of its names, so a one-shot CLI command pays only for the domains it calls.
 */
export const cardDomain = lazyDomain(() => {
  const ArtifactKind = z.enum(['rpi-sd-files', 'rpi-4-recovery', 'rpi-5-recovery', 'pc-usb', 'unknown']);
  const RecoveryState = z.enum(['armed', 'used', 'both', 'none']);

  /** What `card.inspect` says of a card, an image or an archive. */
  const CardReport = z.object({
    path: z.string(),
    source: z.enum(['device', 'image', 'archive']),
    size: z.number(),
    table: z.enum(['mbr', 'gpt', 'none']),
    partitions: z.array(
      z.object({
        index: z.number(),
        type: z.string(),
        start: z.number(),
        size: z.number(),
        filesystem: z
          .object({
            type: z.enum(['FAT12', 'FAT16', 'FAT32']),
            label: z.string().nullable(),
            bootLabel: z.string(),
            files: z.number(),
            dirs: z.number(),
            hiddenSectors: z.number(),
          })
          .nullable(),
      }),
    ),
    artifact: ArtifactKind,
    artifactReason: z.string(),
    waltDate: z.object({ text: z.string(), epochSeconds: z.number().nullable(), iso: z.string().nullable() }).nullable(),
    models: z.array(z.string()),
    missingUboot: z.array(z.string()),
    recovery: RecoveryState.nullable(),
    notes: z.array(z.string()),
  });

  /** A file in the artifact cache. */
  const CachedFile = z.object({
    file: z.string(),
    path: z.string(),
    sha256: z.string(),
    size: z.number(),
    url: z.string().nullable(),
    time: z.string(),
  });

  const CatalogSource = z.string().min(1).max(4096).optional();

  /** Commands of the Cards capability: build, inspect and rearm cards; the catalog of artifacts and its downloads. */
  const cardCommands = {
    /** Builds the FAT32 card image of an archive of files into an image file. */
    'card.build': {
      input: z.object({
        source: S.FilePath,
        output: S.FilePath,
        cardBytes: z.number().int().positive().optional(),
        label: z.string().max(11).optional(),
        /** Replace an existing output file (never a folder, a device node or the source). */
        overwrite: z.boolean().default(false),
      }),
      output: z.object({
        output: z.string(),
        imageBytes: z.number(),
        partitionBytes: z.number(),
        dataBytes: z.number(),
        files: z.number(),
        dirs: z.number(),
        contentBytes: z.number(),
        artifact: ArtifactKind,
        buildMs: z.number(),
      }),
    },
    /** Describes a card, an image or an archive: partitions, filesystems, artifact kind, walt.date, node models. */
    'card.inspect': { input: z.object({ path: S.FilePath }), output: CardReport },
    /** Renames RECOVERY.000 back to recovery.bin on a recovery card, in place. */
    'card.rearm': {
      input: z.object({ path: S.FilePath }),
      output: z.object({ path: z.string(), before: RecoveryState, after: RecoveryState, changed: z.boolean(), message: z.string() }),
    },
    /** The catalog (shipped, or a file/URL given), with each artifact's cached copy. */
    'catalog.get': {
      input: z.object({ catalog: CatalogSource }),
      output: z.object({
        catalog: Catalog,
        cached: z.record(z.string(), CachedFile.nullable()),
        local: z.array(CachedFile),
      }),
    },
    /** Downloads an artifact (by id, file or node model) into the cache; served from the cache when there. */
    'catalog.download': {
      input: z.object({ artifact: z.string().min(1), catalog: CatalogSource }),
      output: CachedFile.extend({ fromCache: z.boolean() }),
    },
    /** Adds a local file to the artifact cache (with its sha256). */
    'catalog.add-local': { input: z.object({ path: S.FilePath }), output: CachedFile },
  } as const;

  /** Events of the Cards capability. */
  const cardEvents = {
    /** Download progress of an artifact. */
    'catalog.progress': z.object({ artifact: z.string(), bytes: z.number(), total: z.number().nullable() }),
  } as const;
  return { commands: cardCommands, events: cardEvents };
});
