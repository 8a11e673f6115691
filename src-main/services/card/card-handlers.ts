import { ApiError } from '../../api/errors.js';
import type { Dispatcher, Handlers } from '../../api/dispatcher.js';
import { artifactUrl, findArtifact } from '../../core/card/catalog.js';
import { CatalogStore } from '../catalog/catalog-store.js';
import { downloadError } from '../catalog/download-error.js';
import { isCatalogUrl } from '../settings/settings-rules.js';
import type { PathGuard } from '../access/path-guard.js';
import { detectPacking } from './archive-reader.js';
import { openBlockFile } from './block-file.js';
import { buildCardFile } from './card-builder.js';
import { inspectCard } from './card-inspect.js';
import { rearmCard } from './card-rearm.js';

/** The commands of the Cards capability. */
export type CardCommandName = 'card.build' | 'card.inspect' | 'card.rearm' | 'catalog.get' | 'catalog.download' | 'catalog.add-local';

/** What `card build -o` suggests when the output names a device: the flash pipeline builds and writes cards. */
const CARD_DEVICE_HINT = 'to write the card straight onto a card: walt-bench flash <archive> --drive <device> (it applies the card rules)';

/** Handlers of the Cards commands over their services. */
export function cardHandlers(deps: {
  guard: PathGuard;
  cacheDir: string;
  emit: Dispatcher['emit'];
  /** The catalog-source setting: read when a command names no catalog (null: the shipped one). */
  catalogSource?: () => string | null;
}): Pick<Handlers, CardCommandName> {
  const { guard } = deps;
  const store = new CatalogStore(deps.cacheDir);
  // A catalog file is read as the caller may read it (a root helper never reads a file its user could not).
  const sourceOf = (given: string | undefined): string | null => {
    const source = given ?? deps.catalogSource?.() ?? null;
    return source && !isCatalogUrl(source) ? (guard.readableIfPresent(source)?.real ?? source) : source;
  };
  return {
    'card.build': async ({ source, output, cardBytes, label, overwrite }) => {
      const src = guard.readableIfPresent(source)?.real ?? source;
      // The output is checked before the build: a folder, a device, the source or a file in the way is refused at once.
      const target = guard.output(output, { overwrite, sources: [src], deviceHint: CARD_DEVICE_HINT });
      const packing = await detectPacking(src);
      if (!packing) throw new ApiError('source-error', `${source} is not an archive of files (tar, tar.gz, zip) nor a folder`, 'a disk image is written as it is: walt-bench flash');
      // built straight into the checked output's .part: memory stays bounded whatever the archive's size
      const built = await buildCardFile(src, packing, target, { cardBytes: cardBytes ?? null, ...(label ? { label } : {}) });
      const bytes = built.image.storedBytes;
      return {
        output,
        imageBytes: built.image.size,
        partitionBytes: built.layout.partitionBytes,
        dataBytes: bytes,
        files: built.verdict.content.files,
        dirs: built.verdict.content.dirs,
        contentBytes: built.verdict.content.bytes,
        artifact: built.artifact.kind,
        buildMs: built.buildMs,
      };
    },
    'card.inspect': async ({ path }) => {
      const target = await guard.card(path, false);
      const report = await inspectCard(target.real, async () => {
        await guard.recheck(target, false);
        return openBlockFile(target.real, false, target.stat);
      });
      return { ...report, path };
    },
    'card.rearm': async ({ path }) => {
      const target = await guard.card(path, true);
      return rearmCard(path, async () => {
        // Eligibility again (fresh mount state), then an O_EXCL open of that very device: nothing may hold it.
        await guard.recheck(target, true);
        return openBlockFile(target.real, true, target.stat);
      });
    },
    'catalog.get': async ({ catalog }) => {
      const loaded = await store.load(sourceOf(catalog));
      const cached: Record<string, Awaited<ReturnType<CatalogStore['cachedArtifact']>>> = {};
      for (const a of loaded.artifacts) cached[a.id] = await store.cachedArtifact(a);
      const known = new Set(loaded.artifacts.map((a) => a.file));
      return { catalog: loaded, cached, local: (await store.cached()).filter((c) => c.url === null && !known.has(c.file)) };
    },
    'catalog.download': async ({ artifact, catalog }) => {
      const loaded = await store.load(sourceOf(catalog));
      let last = 0;
      try {
        return await store.download(loaded, artifact, (p) => {
          const now = Date.now();
          if (now - last < 100 && p.bytes !== p.total) return;
          last = now;
          deps.emit('catalog.progress', p);
        });
      } catch (e) {
        const found = findArtifact(loaded, artifact);
        throw downloadError(e, found?.file ?? artifact, found ? artifactUrl(loaded, found) : artifact);
      }
    },
    'catalog.add-local': async ({ path }) => store.addLocal(path),
  };
}
