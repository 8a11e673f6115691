import { ApiError } from '../../api/errors.js';
import type { Dispatcher, Handlers } from '../../api/dispatcher.js';
import { isSystemMountpoint } from '../../core/drives/drive.js';
import { CatalogStore } from '../catalog/catalog-store.js';
import type { DriveWatcher } from '../drives/drive-watcher.js';
import { detectPacking } from './archive-reader.js';
import { buildCardFile } from './card-builder.js';
import { inspectCard } from './card-inspect.js';
import { rearmCard } from './card-rearm.js';

/** The commands of the Cards capability. */
export type CardCommandName = 'card.build' | 'card.inspect' | 'card.rearm' | 'catalog.get' | 'catalog.download' | 'catalog.add-local';

/** Refuses a block device that is a system drive, is not listed, or is mounted (rearm edits it in place). */
async function refuseUnsafeDevice(path: string, watcher: Pick<DriveWatcher, 'refresh'>): Promise<void> {
  if (!path.startsWith('/dev/')) return;
  const drive = (await watcher.refresh()).find((d) => d.device === path);
  if (!drive) throw new ApiError('refused', `${path} is not a drive walt-bench lists (walt-bench drives)`, 'point at the card itself, e.g. /dev/sdb');
  if (drive.isSystem || drive.mountpoints.some((m) => isSystemMountpoint(m.path))) throw new ApiError('refused', `${path} is a system drive`);
  if (drive.mountpoints.length > 0) {
    throw new ApiError('refused', `${path} is mounted (${drive.mountpoints.map((m) => m.path).join(', ')})`, 'unmount it first, then rearm');
  }
}

/** Handlers of the Cards commands over their services. */
export function cardHandlers(deps: {
  watcher: Pick<DriveWatcher, 'refresh'>;
  cacheDir: string;
  emit: Dispatcher['emit'];
}): Pick<Handlers, CardCommandName> {
  const store = new CatalogStore(deps.cacheDir);
  return {
    'card.build': async ({ source, output, cardBytes, label }) => {
      const packing = await detectPacking(source);
      if (!packing) throw new ApiError('source-error', `${source} is not an archive of files (tar, tar.gz, zip) nor a folder`, 'a disk image is written as it is: walt-bench flash');
      // built straight into the output file: memory stays bounded whatever the archive's size
      const built = await buildCardFile(source, packing, output, { cardBytes: cardBytes ?? null, ...(label ? { label } : {}) });
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
    'card.inspect': async ({ path }) => inspectCard(path),
    'card.rearm': async ({ path }) => {
      await refuseUnsafeDevice(path, deps.watcher);
      return rearmCard(path);
    },
    'catalog.get': async ({ catalog }) => {
      const loaded = await store.load(catalog);
      const cached: Record<string, Awaited<ReturnType<CatalogStore['cachedArtifact']>>> = {};
      for (const a of loaded.artifacts) cached[a.id] = await store.cachedArtifact(a);
      const known = new Set(loaded.artifacts.map((a) => a.file));
      return { catalog: loaded, cached, local: (await store.cached()).filter((c) => c.url === null && !known.has(c.file)) };
    },
    'catalog.download': async ({ artifact, catalog }) => {
      const loaded = await store.load(catalog);
      let last = 0;
      return store.download(loaded, artifact, (p) => {
        const now = Date.now();
        if (now - last < 100 && p.bytes !== p.total) return;
        last = now;
        deps.emit('catalog.progress', p);
      });
    },
    'catalog.add-local': async ({ path }) => store.addLocal(path),
  };
}
