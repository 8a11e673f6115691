import { z } from 'zod';

/** The download location named by the WalT docs since mid-2025. */
export const WALT_DOWNLOADS = 'https://walt-project.liglab.fr/downloads';

/** What kind of medium a node model boots from. */
export const Medium = z.enum(['sd-card', 'sd-card-once', 'usb-stick', 'none']);
/** What kind of medium a node model boots from. */
export type Medium = z.output<typeof Medium>;

/** One downloadable artifact of a catalog. */
export const CatalogArtifact = z.object({
  id: z.string().min(1),
  kind: z.enum(['rpi-sd-files', 'rpi-4-recovery', 'rpi-5-recovery', 'pc-usb', 'unknown']),
  file: z.string().regex(/^[A-Za-z0-9._-]+$/, 'a plain file name'),
  title: z.string(),
  /** Full URL; by default the catalog's base URL + "/" + file. */
  url: z.string().url().optional(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  size: z.number().int().positive().optional(),
  /** How the file becomes a medium: built into a FAT32 card, or written raw. */
  write: z.enum(['build-card', 'raw']),
  /**
   * A bmap (bmaptool's XML) of a raw artifact: a plain file name, downloaded from the same place as the file and kept
   * beside it, so a flash of the artifact honours it (checked then against the image: size and range checksums).
   */
  bmap: z.string().regex(/^[A-Za-z0-9._-]+$/, 'a plain file name').optional(),
});
/** One downloadable artifact of a catalog. */
export type CatalogArtifact = z.output<typeof CatalogArtifact>;

/** One node model and what it needs to network-boot. */
export const CatalogModel = z.object({
  id: z.string().min(1),
  title: z.string(),
  /** The artifact to prepare, or null when the board needs nothing. */
  artifact: z.string().nullable(),
  medium: Medium,
  why: z.string(),
  /** What stays in the board once it network-boots. */
  after: z.string(),
});
/** One node model and what it needs to network-boot. */
export type CatalogModel = z.output<typeof CatalogModel>;

/** A catalog of artifacts and node models (assets/catalog.json, or one a technician points at). */
export const Catalog = z.object({
  version: z.literal(1),
  name: z.string(),
  baseUrl: z.string().url(),
  artifacts: z.array(CatalogArtifact),
  models: z.array(CatalogModel),
});
/** A catalog of artifacts and node models. */
export type Catalog = z.output<typeof Catalog>;

/** Validates a catalog document: every model's artifact must exist. Returns the catalog or why it is refused. */
export function parseCatalog(doc: unknown): { ok: true; catalog: Catalog } | { ok: false; message: string } {
  const parsed = Catalog.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, message: `${issue.path.join('.') || 'catalog'}: ${issue.message}` };
  }
  const ids = new Set(parsed.data.artifacts.map((a) => a.id));
  const orphan = parsed.data.models.find((m) => m.artifact !== null && !ids.has(m.artifact));
  if (orphan) return { ok: false, message: `model ${orphan.id} needs artifact "${orphan.artifact}", which the catalog does not list` };
  return { ok: true, catalog: parsed.data };
}

/** The URL an artifact is downloaded from. */
export function artifactUrl(catalog: Catalog, artifact: CatalogArtifact): string {
  return artifact.url ?? `${catalog.baseUrl.replace(/\/+$/, '')}/${artifact.file}`;
}

/** The URL an artifact's bmap is downloaded from (beside the artifact's own URL), or null when it has none. */
export function bmapUrl(catalog: Catalog, artifact: CatalogArtifact): string | null {
  if (!artifact.bmap) return null;
  const url = artifactUrl(catalog, artifact);
  return `${url.slice(0, url.lastIndexOf('/') + 1)}${artifact.bmap}`;
}

/** What a technician must prepare for a node model: the model, its artifact (if any), and why. */
export interface BoardPlan {
  model: CatalogModel;
  artifact: CatalogArtifact | null;
}

/** Finds what a node model needs; null when the catalog does not know the model. */
export function planBoard(catalog: Catalog, modelId: string): BoardPlan | null {
  const model = catalog.models.find((m) => m.id === modelId);
  if (!model) return null;
  return { model, artifact: model.artifact === null ? null : (catalog.artifacts.find((a) => a.id === model.artifact) ?? null) };
}

/** Finds an artifact by id, file name, or the model that needs it. */
export function findArtifact(catalog: Catalog, name: string): CatalogArtifact | null {
  const direct = catalog.artifacts.find((a) => a.id === name || a.file === name);
  if (direct) return direct;
  const plan = planBoard(catalog, name);
  return plan?.artifact ?? null;
}
