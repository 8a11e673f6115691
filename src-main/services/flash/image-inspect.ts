import { open, readdir, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import yauzl from 'yauzl';
import { ApiError } from '../../api/errors.js';
import { detectSourceKind, imageEntries, rawImageWarnings, type SourceKind, sourceWarnings } from '../../core/flash/source-kind.js';
import { CORRUPT_FIX, CUT_SHORT_FIX } from '../../core/flash/source-failure.js';
import { assertNever } from '../../core/util/assert-never.js';
import { formatBytes } from '../../core/util/format.js';
import { sourceDevicesOf } from '../drives/source-device.js';
import { lzmaNative } from '../natives.js';
import { type CardSourceInfo, inspectCardSource } from '../card/card-source.js';
import { gzipSize } from './gzip-size.js';
import { zipOpenError } from './zip-member.js';

/** What walt-bench knows of an image file before writing it. */
export interface ImageInfo {
  path: string;
  name: string;
  kind: SourceKind;
  fileSize: number;
  size: number | null;
  sizeIsEstimate: boolean;
  entries: string[];
  entry: string | null;
  sourceDevices: string[];
  warnings: string[];
  /** Set when the source is an archive of files (or a folder) built into a FAT32 card. */
  card: CardSourceInfo | null;
}

function sourceError(path: string, cause: string, fix: string): ApiError {
  return new ApiError('source-error', `${path}: ${cause}`, fix);
}

/** Lists the names in a zip archive (central directory only; no data is read). */
export function zipEntryNames(path: string): Promise<{ name: string; size: number }[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: true }, (err, zip) => {
      if (err || !zip) {
        const fail = err ?? new Error('unknown error');
        stat(path).then(
          (st) => reject(zipOpenError(path, st.size, fail)),
          () => reject(sourceError(path, `not a readable zip archive (${fail.message})`, 'download it again')),
        );
        return;
      }
      const names: { name: string; size: number }[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        names.push({ name: e.fileName, size: e.uncompressedSize });
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', (e: Error) => reject(sourceError(path, `corrupt zip archive (${e.message})`, 'download it again')));
      zip.readEntry();
    });
  });
}

/** The xz index: the uncompressed size, and whether every stream carries an integrity check. */
async function xzIndex(path: string): Promise<{ size: number; unchecked: boolean } | null> {
  const fh = await open(path, 'r');
  try {
    return await new Promise((resolve) => {
      lzmaNative().parseFileIndexFD(fh.fd, (err, info) => {
        // checks: the check ids used (0 = LZMA_CHECK_NONE).
        const checks = (info as { checks?: number[] } | undefined)?.checks ?? [];
        resolve(err || !info ? null : { size: info.uncompressedSize, unchecked: checks.includes(0) });
      });
    });
  } finally {
    await fh.close();
  }
}

async function readHeadTail(path: string, size: number): Promise<{ head: Buffer; tail: Buffer }> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(Math.min(16, size));
    await fh.read(head, 0, head.length, 0);
    const tail = Buffer.alloc(Math.min(4, size));
    await fh.read(tail, 0, tail.length, Math.max(0, size - tail.length));
    return { head, tail };
  } finally {
    await fh.close();
  }
}

/**
 * Reads an image's header and index: kind (by content), uncompressed size, zip entries, warnings. Refuses what
 * can never be written (missing, not a file, empty, a zip without an image) with the file, the cause and the fix.
 */
export async function inspectImage(path: string, entry?: string): Promise<ImageInfo> {
  const card = await inspectCardSource(path);
  if (card) return card;
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw sourceError(path, 'no such file', 'check the path');
    if (code === 'EACCES') throw sourceError(path, 'permission denied', 'make the file readable (chmod a+r)');
    throw sourceError(path, `cannot read (${code ?? String(e)})`, 'check the path');
  }
  if (st.isDirectory()) {
    const count = (await readdir(path)).length;
    throw sourceError(path, `is a folder (${count} entries), not an image`, 'choose an image file (.img, .gz, .xz, .zip)');
  }
  if (!st.isFile()) throw sourceError(path, 'is not a regular file', 'choose an image file');
  if (st.size === 0) throw sourceError(path, 'is empty (0 bytes)', 'the download did not complete: download it again');
  const { head, tail } = await readHeadTail(path, st.size);
  const kind = detectSourceKind(head);
  const info: ImageInfo = {
    path,
    name: basename(path),
    kind,
    fileSize: st.size,
    size: st.size,
    sizeIsEstimate: false,
    entries: [],
    entry: null,
    sourceDevices: await sourceDevicesOf(path),
    warnings: kind === 'raw' ? [...sourceWarnings(kind), ...rawImageWarnings(basename(path), st.size)] : sourceWarnings(kind),
    card: null,
  };
  switch (kind) {
    case 'raw':
      return info;
    case 'gz':
      return gzipInfo(info, tail.length === 4 ? tail.readUInt32LE(0) : null, st.mtimeMs);
    case 'xz': {
      const index = await xzIndex(path);
      if (index !== null) {
        const warnings = index.unchecked
          ? [...info.warnings, `${info.name} carries no integrity check (made with xz -C none): corrupt data cannot be caught before writing; keep verification on`]
          : info.warnings;
        return { ...info, size: index.size, warnings };
      }
      // An xz file ends with its index and a 12-byte footer whose last two bytes are "YZ": a cut download has none.
      if (tail.length < 2 || tail.toString('latin1', tail.length - 2) !== 'YZ') {
        throw new ApiError(
          'source-error',
          `${info.name} is truncated: the file ends at offset ${st.size} (${formatBytes(st.size)}) without the xz index and footer`,
          CUT_SHORT_FIX,
        );
      }
      throw new ApiError('source-error', `${info.name} is corrupt: its xz index (before the footer at offset ${st.size - 12}) cannot be read`, CORRUPT_FIX);
    }
    case 'bz2':
      return { ...info, size: null, sizeIsEstimate: true };
    case 'tar':
    case 'folder':
      throw sourceError(path, `a ${kind} that is not an archive of card files`, 'choose a disk image or an archive of boot files');
    case 'zip': {
      const all = await zipEntryNames(path);
      const images = imageEntries(all.map((e) => e.name));
      if (images.length === 0) {
        const found = all.slice(0, 5).map((e) => e.name).join(', ') || 'nothing';
        throw sourceError(path, `the zip holds no disk image (.img .dd .raw .iso); found: ${found}`, 'choose another file');
      }
      const chosen = entry ?? (images.length === 1 ? images[0]! : null);
      if (chosen !== null && !images.includes(chosen)) {
        throw sourceError(path, `the zip has no image named "${chosen}"`, `choose one of: ${images.join(', ')}`);
      }
      const size = chosen === null ? null : (all.find((e) => e.name === chosen)?.size ?? null);
      return { ...info, entries: images, entry: chosen, size };
    }
  }
}

/**
 * A .gz's size: exact when the whole file was inflated (a truncated or corrupt one is refused here, before anything
 * is written), else the trailer's ISIZE as an estimate, or unknown when ISIZE cannot be the size.
 */
async function gzipInfo(info: ImageInfo, isize: number | null, mtimeMs: number): Promise<ImageInfo> {
  const g = await gzipSize(info.path, info.fileSize, mtimeMs, isize);
  switch (g.kind) {
    case 'exact':
      return { ...info, size: g.size, sizeIsEstimate: false };
    case 'estimate':
      return { ...info, size: g.size, sizeIsEstimate: true };
    case 'unknown':
      return {
        ...info,
        size: null,
        sizeIsEstimate: true,
        warnings: [
          ...info.warnings,
          `the size in the gzip trailer cannot be right (the start alone inflates to ${formatBytes(g.atLeast)}): the image is over 4 GiB, or the file is truncated; keep verification on`,
        ],
      };
    case 'broken':
      throw new ApiError('source-error', g.failure.message, g.failure.hint);
    default:
      return assertNever(g);
  }
}

/** The error for a zip whose image was not chosen. */
export function entryRequired(info: ImageInfo): ApiError {
  return sourceError(
    info.path,
    `the zip holds ${info.entries.length} images`,
    `choose one (--entry NAME): ${info.entries.join(', ')}`,
  );
}

/** Describes an image in one line ("pc-usb.dd.gz: gz, 25.0 MiB"). */
export function describeImage(info: ImageInfo): string {
  const size = info.size === null ? 'unknown size' : `${info.sizeIsEstimate ? '~' : ''}${formatBytes(info.size)}`;
  return `${info.name}${info.entry ? ` [${info.entry}]` : ''}: ${info.kind}, ${size}`;
}
