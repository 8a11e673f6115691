import { createReadStream } from 'node:fs';
import { lstat, open, readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { constants as zc, createGunzip, gunzipSync } from 'node:zlib';
import yauzl from 'yauzl';
import { ApiError } from '../../api/errors.js';
import type { ArchiveMember, MemberType } from '../../core/card/archive-rules.js';
import { isTarHeader, TarFormatError, TarParser } from '../../core/card/tar-parser.js';
import { zipHoldsFiles } from '../../core/card/source-shape.js';
import { decodeZipName, zipExtendedMtimeMs } from '../../core/card/zip-name.js';
import { zipMemberCheck, ZipMemberError, zipRecord } from '../flash/zip-member.js';

/** How an archive of card files is packed. */
export type ArchivePacking = 'tar' | 'tar.gz' | 'zip' | 'folder';

/**
 * What reads an archive member by member, as it streams: `member` at each header (return true to get the file's
 * bytes; throw to stop reading), then `data` chunks (only valid during the call: copy what you keep) and `end`.
 */
export interface MemberVisitor {
  member(m: ArchiveMember): boolean;
  data(bytes: Uint8Array): void;
  end(): void;
}

/** The error for an archive that cannot be read, naming the file; nothing was written anywhere. */
export function sourceError(path: string, cause: string, fix = 'download the archive again (and check its sha256)'): ApiError {
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
    const out = inflatedStart(head, 512);
    return out !== null && out.length >= 512 && isTarHeader(out.subarray(0, 512)) ? 'tar.gz' : null;
  }
  if (head.length >= 512 && isTarHeader(head.subarray(0, 512))) return 'tar';
  if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 0x03 || head[2] === 0x05)) {
    // names as they are (hostile ones included: the card rules explain them, not "not an archive")
    const names = await zipMemberNames(path).catch(() => null);
    return names && zipHoldsFiles(names) ? 'zip' : null;
  }
  return null;
}

/**
 * The start of a gzip stream's inflated bytes (at least `bytes` of them when the stream holds that many), or null
 * when it cannot be inflated. Inflated from growing prefixes of `gz`, never all of it at once: 64 KiB of a sparse
 * image's zeros inflate to ~64 MiB (~20 ms and as many allocated), where the first KiB gives the 512 bytes needed.
 */
export function inflatedStart(gz: Buffer, bytes: number): Buffer | null {
  for (let n = Math.min(256, gz.length); ; n = Math.min(n * 4, gz.length)) {
    let out: Buffer;
    try {
      out = gunzipSync(gz.subarray(0, n), { finishFlush: zc.Z_SYNC_FLUSH });
    } catch {
      return null;
    }
    if (out.length >= bytes || n === gz.length) return out;
  }
}

/** Reads an archive once, streaming, member by member; memory stays bounded whatever the archive holds. */
export async function visitArchive(path: string, packing: ArchivePacking, visitor: MemberVisitor): Promise<void> {
  switch (packing) {
    case 'tar':
    case 'tar.gz':
      return visitTar(path, packing === 'tar.gz', visitor);
    case 'zip':
      return visitZip(path, visitor);
    case 'folder':
      return visitFolder(path, visitor);
  }
}

async function visitTar(path: string, gzip: boolean, visitor: MemberVisitor): Promise<void> {
  const parser = new TarParser();
  let wanted = false;
  let compressedRead = 0;
  const take = (events: ReturnType<TarParser['push']>): void => {
    for (const ev of events) {
      switch (ev.type) {
        case 'member':
          wanted = visitor.member(ev.member) && ev.member.type === 'file';
          break;
        case 'data':
          if (wanted) visitor.data(ev.bytes);
          break;
        case 'member-end':
          if (wanted) visitor.end();
          wanted = false;
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
    if (error instanceof ApiError) throw error;
    if (error instanceof TarFormatError) throw sourceError(path, `is not a valid tar archive: ${error.message}`);
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'Z_BUF_ERROR' || /unexpected end/i.test(e.message)) {
      throw sourceError(path, `is truncated: the gzip stream ends early (after ${compressedRead} compressed bytes: ${e.message})`);
    }
    if (e.code?.startsWith('Z_')) {
      throw sourceError(path, `is corrupt: gzip decoding failed near compressed byte ${compressedRead} (${e.message})`);
    }
    if (!e.code) throw error;
    throw sourceError(path, `cannot be read (${e.code})`, 'check the path and the permissions');
  } finally {
    file.destroy();
  }
}

function zipType(entry: yauzl.Entry, name: string): MemberType {
  if (name.endsWith('/')) return 'dir';
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

function zipName(entry: yauzl.Entry): string {
  return decodeZipName(entry.fileName as unknown as Buffer, (entry.generalPurposeBitFlag & 0x800) !== 0, entry.extraFields);
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    // decodeStrings off: yauzl would refuse "../x" or "/x" with its own words; the card rules name them instead.
    // validateEntrySizes off: yauzl's size check swallows its error and stalls the stream; zipMemberCheck does it.
    yauzl.open(path, { lazyEntries: true, autoClose: true, validateEntrySizes: false, decodeStrings: false }, (err, zip) => {
      if (err || !zip) reject(sourceError(path, `is not a readable zip archive (${err?.message ?? 'cannot open'})`));
      else resolve(zip);
    });
  });
}

/** Every entry name of a zip, decoded (UTF-8 flag, Info-ZIP Unicode path, CP437) but not judged. */
export async function zipMemberNames(path: string): Promise<string[]> {
  const names: string[] = [];
  await visitZip(path, {
    member: (m) => {
      names.push(m.path);
      return false;
    },
    data: () => undefined,
    end: () => undefined,
  });
  return names;
}

async function visitZip(path: string, visitor: MemberVisitor): Promise<void> {
  const zip = await openZip(path);
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (e: unknown): void => {
      if (failed) return;
      failed = true;
      try {
        zip.close();
      } catch {
        // already closed by autoClose
      }
      reject(e instanceof ApiError ? e : sourceError(path, `is not a readable zip archive (${(e as Error).message})`));
    };
    zip.on('error', fail);
    zip.on('end', () => {
      if (!failed) resolve();
    });
    zip.on('entry', (entry: yauzl.Entry) => {
      try {
        const name = zipName(entry);
        const type = zipType(entry, name);
        const member: ArchiveMember = {
          path: name,
          type,
          size: type === 'file' ? entry.uncompressedSize : 0,
          mtimeMs: zipExtendedMtimeMs(entry.extraFields) ?? entry.getLastModDate().getTime(),
        };
        if (!visitor.member(member) || type !== 'file') {
          zip.readEntry();
          return;
        }
        zip.openReadStream(entry, (e2, stream) => {
          if (e2 || !stream) return fail(e2 ?? new Error(`cannot read ${name}`));
          // the member's CRC-32 and sizes are checked as it streams (yauzl checks neither reliably)
          const checked = stream.pipe(zipMemberCheck(basename(path), { ...zipRecord(entry), name }));
          stream.on('error', (e3: Error) => checked.destroy(e3));
          checked.on('data', (c: Buffer) => {
            try {
              visitor.data(c);
            } catch (e) {
              stream.destroy();
              fail(e);
            }
          });
          checked.on('error', (e3: Error) => fail(e3 instanceof ZipMemberError ? e3.apiError : new Error(`${name}: ${e3.message}`)));
          checked.on('end', () => {
            if (failed) return;
            try {
              visitor.end();
              zip.readEntry();
            } catch (e) {
              fail(e);
            }
          });
        });
      } catch (e) {
        fail(e);
      }
    });
    zip.readEntry();
  });
}

async function visitFolder(root: string, visitor: MemberVisitor): Promise<void> {
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
      const member = { path: type === 'dir' ? `${relPath}/` : relPath, type, size: type === 'file' ? st.size : 0, mtimeMs: st.mtimeMs };
      if (visitor.member(member) && type === 'file') {
        // small files in one read (a stream per file costs more than the file), large ones streamed
        if (st.size <= 4 << 20) visitor.data(await readFile(join(root, relPath)));
        else for await (const chunk of createReadStream(join(root, relPath), { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) visitor.data(chunk);
        visitor.end();
      }
      if (type === 'dir') await walk(relPath);
    }
  };
  await walk('');
}
