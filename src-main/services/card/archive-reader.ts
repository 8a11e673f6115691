import { createReadStream } from 'node:fs';
import { lstat, open, readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { constants as zc, createGunzip, gunzipSync } from 'node:zlib';
import yauzl from 'yauzl';
import { ApiError } from '../../api/errors.js';
import type { ArchiveMember, MemberType } from '../../core/card/archive-rules.js';
import { MAX_FAT_FILE_BYTES } from '../../core/card/layout.js';
import { isTarHeader, TarFormatError, TarParser } from '../../core/card/tar-parser.js';
import { zipHoldsFiles } from '../../core/card/source-shape.js';
import { zipEntryNames } from '../flash/image-inspect.js';
import { zipMemberCheck, ZipMemberError, zipRecord } from '../flash/zip-member.js';

/** How an archive of card files is packed. */
export type ArchivePacking = 'tar' | 'tar.gz' | 'zip' | 'folder';

/** Every member of an archive, and (when asked) the bytes of each file member, in archive order. */
export interface ArchiveContent {
  members: ArchiveMember[];
  /** data[i] holds the chunks of members[i] (files only, when read with data). */
  data: (Uint8Array[] | null)[];
}

function sourceError(path: string, cause: string, fix = 'download the archive again (and check its sha256)'): ApiError {
  return new ApiError('source-error', `${basename(path)} ${cause}`, `${fix}; nothing was written to any card`);
}

/**
 * Tells an archive of files (a folder, a tar, a tar.gz, a zip of files) from a disk image, BY CONTENT: the gzip
 * stream's first block is a tar header, the file's own first block is one, or the zip holds files rather than
 * images. Returns null for a disk image (or anything else).
 */
export async function detectPacking(path: string): Promise<ArchivePacking | null> {
  // stat, not lstat: a source given as a symlink is detected by what it points to (members inside stay lstat'ed).
  const st = await stat(path).catch(() => null);
  if (!st) return null;
  if (st.isDirectory()) return 'folder';
  if (!st.isFile() || st.size < 4) return null;
  const fh = await open(path, 'r');
  let head: Buffer;
  try {
    head = Buffer.alloc(Math.min(st.size, 64 * 1024));
    await fh.read(head, 0, head.length, 0);
  } finally {
    await fh.close();
  }
  if (head[0] === 0x1f && head[1] === 0x8b) {
    let out: Buffer;
    try {
      out = gunzipSync(head, { finishFlush: zc.Z_SYNC_FLUSH });
    } catch {
      return null;
    }
    return out.length >= 512 && isTarHeader(out.subarray(0, 512)) ? 'tar.gz' : null;
  }
  if (head.length >= 512 && isTarHeader(head.subarray(0, 512))) return 'tar';
  if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 0x03 || head[2] === 0x05)) {
    const names = await zipEntryNames(path).catch(() => null);
    return names && zipHoldsFiles(names.map((n) => n.name)) ? 'zip' : null;
  }
  return null;
}

/** Reads every member of an archive, streaming; file bytes are kept only when `withData`. */
export async function readArchive(path: string, packing: ArchivePacking, withData: boolean): Promise<ArchiveContent> {
  switch (packing) {
    case 'tar':
    case 'tar.gz':
      return readTar(path, packing === 'tar.gz', withData);
    case 'zip':
      return readZip(path, withData);
    case 'folder':
      return readFolder(path, withData);
  }
}

async function readTar(path: string, gzip: boolean, withData: boolean): Promise<ArchiveContent> {
  const parser = new TarParser();
  const content: ArchiveContent = { members: [], data: [] };
  let current: Uint8Array[] | null = null;
  let compressedRead = 0;
  const take = (events: ReturnType<TarParser['push']>): void => {
    for (const ev of events) {
      switch (ev.type) {
        case 'member':
          current = withData && ev.member.type === 'file' ? [] : null;
          content.members.push(ev.member);
          content.data.push(current);
          break;
        case 'data':
          current?.push(ev.bytes);
          break;
        case 'member-end':
          current = null;
          break;
        case 'end':
          break;
      }
    }
  };
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  file.on('data', (c) => (compressedRead += c.length));
  const stream = gzip ? file.pipe(createGunzip({ chunkSize: 1 << 20 })) : file;
  if (gzip) file.on('error', (e) => stream.destroy(e));
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) take(parser.push(chunk));
    take(parser.finish());
  } catch (error) {
    file.destroy();
    if (error instanceof TarFormatError) throw sourceError(path, `is not a valid tar archive: ${error.message}`);
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'Z_BUF_ERROR' || /unexpected end/i.test(e.message)) {
      throw sourceError(path, `is truncated: the gzip stream ends early (after ${compressedRead} compressed bytes: ${e.message})`);
    }
    if (e.code?.startsWith('Z_')) {
      throw sourceError(path, `is corrupt: gzip decoding failed near compressed byte ${compressedRead} (${e.message})`);
    }
    throw sourceError(path, `cannot be read (${e.code ?? e.message})`, 'check the path and the permissions');
  }
  return content;
}

function zipType(entry: yauzl.Entry): MemberType {
  if (entry.fileName.endsWith('/')) return 'dir';
  const unixMode = (entry.externalFileAttributes >>> 16) & 0o170000;
  switch (unixMode) {
    case 0:
    case 0o100000:
      return 'file';
    case 0o040000:
      return 'dir';
    case 0o120000:
      return 'symlink';
    case 0o020000:
    case 0o060000:
      return 'device';
    case 0o010000:
      return 'fifo';
    default:
      return 'other';
  }
}

function readZip(path: string, withData: boolean): Promise<ArchiveContent> {
  return new Promise((resolve, reject) => {
    const fail = (e: Error): void => {
      const m = /^(absolute path|invalid relative path|invalid characters in fileName): (.*)$/.exec(e.message);
      if (m) {
        const cause = m[1] === 'absolute path' ? 'an absolute path' : m[1] === 'invalid relative path' ? 'a ".." component' : 'characters FAT cannot hold';
        reject(sourceError(path, `holds "${m[2]}": ${cause}`, 'repack the archive with plain relative paths'));
      } else reject(sourceError(path, `is not a readable zip archive (${e.message})`));
    };
    // yauzl's own size check (validateEntrySizes) swallows its error and stalls the stream: zipMemberCheck does it.
    yauzl.open(path, { lazyEntries: true, autoClose: true, validateEntrySizes: false }, (err, zip) => {
      if (err || !zip) return fail(err ?? new Error('cannot open'));
      const content: ArchiveContent = { members: [], data: [] };
      zip.on('error', fail);
      zip.on('end', () => resolve(content));
      zip.on('entry', (entry: yauzl.Entry) => {
        const type = zipType(entry);
        content.members.push({
          path: entry.fileName,
          type,
          size: type === 'file' ? entry.uncompressedSize : 0,
          mtimeMs: entry.getLastModDate().getTime(),
        });
        if (!withData || type !== 'file') {
          content.data.push(null);
          zip.readEntry();
          return;
        }
        const chunks: Uint8Array[] = [];
        content.data.push(chunks);
        zip.openReadStream(entry, (e2, stream) => {
          if (e2 || !stream) return fail(e2 ?? new Error('cannot read entry'));
          const checked = stream.pipe(zipMemberCheck(basename(path), zipRecord(entry)));
          stream.on('error', (e3: Error) => checked.destroy(e3));
          checked.on('data', (c: Buffer) => chunks.push(c));
          checked.on('error', (e3: Error) => (e3 instanceof ZipMemberError ? reject(e3.apiError) : fail(new Error(`${entry.fileName}: ${e3.message}`))));
          checked.on('end', () => zip.readEntry());
        });
      });
      zip.readEntry();
    });
  });
}

async function readFolder(root: string, withData: boolean): Promise<ArchiveContent> {
  const content: ArchiveContent = { members: [], data: [] };
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(join(root, rel))).sort();
    for (const name of names) {
      const relPath = rel ? `${rel}/${name}` : name;
      const st = await lstat(join(root, relPath));
      const type: MemberType = st.isFile()
        ? 'file'
        : st.isDirectory()
          ? 'dir'
          : st.isSymbolicLink()
            ? 'symlink'
            : st.isBlockDevice() || st.isCharacterDevice()
              ? 'device'
              : st.isFIFO()
                ? 'fifo'
                : 'other';
      content.members.push({ path: type === 'dir' ? `${relPath}/` : relPath, type, size: type === 'file' ? st.size : 0, mtimeMs: st.mtimeMs });
      // a file FAT cannot hold is refused by the rules: never read it
      content.data.push(withData && type === 'file' && st.size <= MAX_FAT_FILE_BYTES ? [await readFile(join(root, relPath))] : null);
      if (type === 'dir') await walk(relPath);
    }
  };
  await walk('');
  return content;
}
