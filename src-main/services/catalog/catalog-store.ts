import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ApiError } from '../../api/errors.js';
import { artifactUrl, bmapUrl, type Catalog, type CatalogArtifact, findArtifact, parseCatalog } from '../../core/card/catalog.js';
import { packageRoot } from '../version.js';
import { loadBmap } from '../flash/bmap-source.js';
import { httpDownload, httpGetText } from './http-download.js';
import { isCatalogUrl } from '../settings/settings-rules.js';

/** A file held in the artifact cache, with its sha256. */
export interface CachedFile {
  file: string;
  path: string;
  sha256: string;
  size: number;
  url: string | null;
  time: string;
}

/** Reports download progress. */
export type DownloadProgress = (p: { artifact: string; bytes: number; total: number | null }) => void;

/** The catalog shipped with walt-bench. */
export function defaultCatalogPath(): string {
  return join(packageRoot(), 'assets', 'catalog.json');
}

/** Where the copy of a catalog read from a URL is kept (read from there when the URL does not answer). */
export function keptCatalogCopy(cacheDir: string, url: string): string {
  return join(cacheDir, 'artifacts', 'catalogs', `${createHash('sha256').update(url).digest('hex').slice(0, 16)}.json`);
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Catalogs (the shipped one, a file or a URL a technician points at) and the artifact cache: downloads with
 * progress, resumable (HTTP Range), checked against the catalog's sha256 (a mismatch is refused and never enters
 * the cache), and served from the cache when offline. Local files can be added to the cache too.
 */
export class CatalogStore {
  private readonly dir: string;

  constructor(private readonly cacheDir: string) {
    this.dir = join(cacheDir, 'artifacts');
  }

  /** Loads a catalog: a file path, an http(s) URL (kept for offline use), or the shipped one. */
  async load(source?: string | null): Promise<Catalog> {
    return (await this.loadFrom(source)).catalog;
  }

  /** Like load(), saying where it was read: the file, the network, or the copy kept of a URL (offline). */
  async loadFrom(source?: string | null): Promise<{ catalog: Catalog; source: string; origin: 'file' | 'network' | 'cache' }> {
    const from = source || defaultCatalogPath();
    let text: string;
    let origin: 'file' | 'network' | 'cache' = 'file';
    if (isCatalogUrl(from)) {
      origin = 'network';
      const copy = keptCatalogCopy(this.cacheDir, from);
      try {
        text = await httpGetText(from);
        await mkdir(join(this.dir, 'catalogs'), { recursive: true });
        await writeFile(copy, text);
      } catch (error) {
        if (!existsSync(copy)) throw new ApiError('io-error', `catalog ${from}: ${(error as Error).message}`, 'check the URL or the network');
        text = await readFile(copy, 'utf8');
        origin = 'cache';
      }
    } else {
      try {
        text = await readFile(from, 'utf8');
      } catch (error) {
        throw new ApiError('not-found', `catalog ${from}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'check the path');
      }
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (error) {
      throw new ApiError('bad-request', `catalog ${from} is not JSON (${(error as Error).message})`);
    }
    const parsed = parseCatalog(doc);
    if (!parsed.ok) throw new ApiError('bad-request', `catalog ${from}: ${parsed.message}`);
    return { catalog: parsed.catalog, source: from, origin };
  }

  /** Every file in the cache. */
  async cached(): Promise<CachedFile[]> {
    return Object.values(await this.index());
  }

  /** The cached copy of an artifact that matches the catalog (by sha256 when the catalog gives one). */
  async cachedArtifact(artifact: CatalogArtifact): Promise<CachedFile | null> {
    const entry = (await this.index())[artifact.file];
    if (!entry || !existsSync(entry.path)) return null;
    if (artifact.sha256 && entry.sha256 !== artifact.sha256) return null;
    return entry;
  }

  /** Downloads an artifact (by id, file name or node model) into the cache, or returns the cached copy. */
  async download(catalog: Catalog, name: string, onProgress: DownloadProgress = () => undefined): Promise<CachedFile & { fromCache: boolean }> {
    const artifact = findArtifact(catalog, name);
    if (!artifact) throw new ApiError('not-found', `the catalog has no artifact or model "${name}"`, `one of: ${catalog.artifacts.map((a) => a.id).join(', ')}`);
    const cached = await this.cachedArtifact(artifact);
    if (cached) {
      // A copy downloaded into the cache gets its bmap (a technician's own file, added by path, is left alone).
      if (cached.url !== null) await this.downloadBmap(catalog, artifact, cached.path);
      return { ...cached, fromCache: true };
    }
    await mkdir(this.dir, { recursive: true });
    const url = artifactUrl(catalog, artifact);
    const part = join(this.dir, `${artifact.file}.part`);
    const final = join(this.dir, artifact.file);
    const total = await httpDownload(url, part, (bytes, size) => onProgress({ artifact: artifact.id, bytes, total: size ?? artifact.size ?? null }));
    const sha256 = await sha256File(part);
    if (artifact.sha256 && sha256 !== artifact.sha256) {
      await rm(part, { force: true });
      throw new ApiError(
        'source-error',
        `${artifact.file}: checksum mismatch: the catalog says sha256 ${artifact.sha256}, the download is ${sha256}`,
        'the file was not kept; download it again, or check the catalog',
      );
    }
    if (artifact.size && total !== artifact.size) {
      await rm(part, { force: true });
      throw new ApiError('source-error', `${artifact.file}: ${total} bytes downloaded, the catalog says ${artifact.size}`, 'the file was not kept; download it again');
    }
    await rename(part, final);
    await this.downloadBmap(catalog, artifact, final);
    const entry = await this.record({ file: artifact.file, path: final, sha256, size: total, url, time: new Date().toISOString() });
    return { ...entry, fromCache: false };
  }

  /**
   * The artifact's bmap, when the catalog names one, kept as `<file>.bmap` beside it (where a flash looks for it); its
   * own checksum is checked before it is kept. Already there: kept as is.
   */
  private async downloadBmap(catalog: Catalog, artifact: CatalogArtifact, path: string): Promise<void> {
    const url = bmapUrl(catalog, artifact);
    const final = `${path}.bmap`;
    if (url === null || existsSync(final)) return;
    const part = `${final}.part`;
    await httpDownload(url, part, () => undefined);
    try {
      await loadBmap(part);
    } catch (error) {
      await rm(part, { force: true });
      const why = error instanceof ApiError ? error.message : String(error);
      throw new ApiError('source-error', `${artifact.bmap}: the catalog's bmap of ${artifact.file} is refused (${why})`, 'the bmap was not kept; check the catalog');
    }
    await rename(part, final);
  }

  /** Adds a technician's own file to the cache (copied by path reference, with its sha256). */
  async addLocal(path: string): Promise<CachedFile> {
    const st = await stat(path).catch(() => null);
    if (!st || !st.isFile()) throw new ApiError('not-found', `${path}: no such file`);
    return this.record({ file: basename(path), path, sha256: await sha256File(path), size: st.size, url: null, time: new Date().toISOString() });
  }

  private async index(): Promise<Record<string, CachedFile>> {
    try {
      return JSON.parse(await readFile(join(this.dir, 'index.json'), 'utf8')) as Record<string, CachedFile>;
    } catch {
      return {};
    }
  }

  private async record(entry: CachedFile): Promise<CachedFile> {
    await mkdir(this.dir, { recursive: true });
    const index = await this.index();
    index[entry.file] = entry;
    const tmp = join(this.dir, 'index.json.tmp');
    await writeFile(tmp, JSON.stringify(index, null, 2) + '\n');
    await rename(tmp, join(this.dir, 'index.json'));
    return entry;
  }
}
