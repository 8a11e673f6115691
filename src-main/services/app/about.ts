/** The About facts: versions of the app, Electron, Node, etcher-sdk, and the shipped catalog. */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defaultCatalogPath } from '../catalog/catalog-store.js';
import { APP_VERSION } from '../version.js';

/** What app.about answers. */
export interface AboutFacts {
  app: string;
  /** Electron's version, or null when not running in Electron. */
  electron: string | null;
  node: string;
  etcherSdk: string | null;
  catalog: { version: string; name: string; date: string; source: string } | null;
}

/** The version field of an installed package's package.json, or null. */
function packageVersion(name: string): string | null {
  try {
    const main = require.resolve(name);
    let dir = dirname(main);
    for (let i = 0; i < 6; i += 1) {
      try {
        const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
        if (pkg.name === name && typeof pkg.version === 'string') return pkg.version;
      } catch {
        // no package.json here: look upwards
      }
      dir = dirname(dir);
    }
  } catch {
    return null;
  }
  return null;
}

/** A catalog's version, name, date (its file's modification day) and source, or null when unreadable. */
function catalogFacts(path: string, source: string = path): AboutFacts['catalog'] {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown; name?: unknown };
    return {
      version: String(data.version ?? 'unknown'),
      name: typeof data.name === 'string' ? data.name : 'unnamed',
      date: statSync(path).mtime.toISOString().slice(0, 10),
      source,
    };
  } catch {
    return null;
  }
}

/**
 * Collects the About facts of this process. `catalog`: the catalog in force (the catalog-source setting: its file, or
 * the copy kept of its URL), by default the shipped one.
 */
export function aboutFacts(versions: NodeJS.ProcessVersions = process.versions, catalog?: { file: string; source: string }): AboutFacts {
  return {
    app: APP_VERSION,
    electron: versions.electron ?? null,
    node: versions.node,
    etcherSdk: packageVersion('etcher-sdk'),
    catalog: catalog ? catalogFacts(catalog.file, catalog.source) : catalogFacts(defaultCatalogPath()),
  };
}

/** The About facts as text lines (the CLI's `about` and `--version --verbose`). */
export function aboutLines(facts: AboutFacts): string[] {
  return [
    `walt-bench ${facts.app}`,
    `Electron   ${facts.electron ?? 'not running in Electron'}`,
    `Node       ${facts.node}`,
    `etcher-sdk ${facts.etcherSdk ?? 'not installed'}`,
    `catalog    ${facts.catalog ? `version ${facts.catalog.version}, ${facts.catalog.date}, ${facts.catalog.name} (${facts.catalog.source})` : 'not readable'}`,
  ];
}
