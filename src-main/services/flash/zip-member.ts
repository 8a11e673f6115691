import { basename } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { ApiError } from '../../api/errors.js';
import { CORRUPT_FIX, CUT_SHORT_FIX, explainZipMember, type ZipMemberRecord } from '../../core/flash/source-failure.js';

/** A zip member opened for reading: its central-directory record and its stored (still deflated) bytes. */
export interface OpenedZipMember {
  record: ZipMemberRecord;
  /** 0 = stored, 8 = deflate. */
  method: 0 | 8;
  /** The member's bytes as stored in the archive (exactly compressedSize of them). */
  stored: Readable;
}

/** A zip that cannot be opened at all, named with its size and cause (a cut download loses the central directory). */
export function zipOpenError(path: string, fileSize: number, error: Error): ApiError {
  const name = basename(path);
  if (/end of central directory record signature not found|overflows file bounds|unexpected EOF/i.test(error.message)) {
    return new ApiError(
      'source-error',
      `${name} is truncated: the file ends at offset ${fileSize} without the complete zip central directory (${error.message})`,
      CUT_SHORT_FIX,
    );
  }
  return new ApiError('source-error', `${name} is not a readable zip archive (${error.message})`, CORRUPT_FIX);
}

/** A yauzl entry as the record its member is checked against. */
export function zipRecord(e: yauzl.Entry): ZipMemberRecord {
  return {
    name: e.fileName,
    offset: e.relativeOffsetOfLocalHeader,
    compressedSize: e.compressedSize,
    uncompressedSize: e.uncompressedSize,
    crc32: e.crc32,
  };
}

/**
 * Opens one member of a zip by name. yauzl reads the central directory; the member's bytes are inflated and checked
 * by the caller (yauzl's own size check swallows its error and stalls the stream, and it never checks the CRC-32).
 */
export function openZipMember(path: string, fileSize: number, memberName: string): Promise<OpenedZipMember> {
  const name = basename(path);
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, validateEntrySizes: false }, (err, zip) => {
      if (err || !zip) return reject(zipOpenError(path, fileSize, err ?? new Error('cannot open zip')));
      const fail = (e: ApiError): void => {
        zip.close();
        reject(e);
      };
      zip.on('entry', (e: yauzl.Entry) => {
        if (e.fileName !== memberName) return zip.readEntry();
        const record = zipRecord(e);
        const at = `member "${e.fileName}" (local header at offset ${record.offset})`;
        if (e.isEncrypted()) {
          return fail(new ApiError('source-error', `${name}: ${at} is encrypted`, 'unzip it with its password and write the raw image'));
        }
        if (e.compressionMethod !== 0 && e.compressionMethod !== 8) {
          return fail(new ApiError('source-error', `${name}: ${at} uses compression method ${e.compressionMethod} (only stored and deflate are read)`, 'unzip it with another tool and write the raw image'));
        }
        if (e.compressionMethod === 0 && e.compressedSize !== e.uncompressedSize) {
          return fail(new ApiError('source-error', `${name}: ${at} is stored with ${e.compressedSize} bytes but records ${e.uncompressedSize}: the archive is corrupt`, CORRUPT_FIX));
        }
        if (record.offset + e.compressedSize > fileSize) {
          return fail(new ApiError('source-error', ...spread(explainZipMember(name, record, { type: 'data-past-end', fileSize }))));
        }
        zip.openReadStream(e, e.isCompressed() ? { decompress: false } : {}, (err2, stream) => {
          if (err2 || !stream) {
            const detail = err2?.message ?? 'no stream';
            const past = /overflows file bounds|unexpected EOF/i.test(detail);
            return fail(
              past
                ? new ApiError('source-error', ...spread(explainZipMember(name, record, { type: 'data-past-end', fileSize })))
                : new ApiError('source-error', `${name}: ${at} cannot be read (${detail})`, CORRUPT_FIX),
            );
          }
          zip.close(); // the fd stays open until the member's stream ends (yauzl counts its readers)
          resolve({ record, method: e.compressionMethod as 0 | 8, stored: stream });
        });
      });
      zip.on('end', () => fail(new ApiError('source-error', `${name}: no member named "${memberName}"`, 'inspect the archive again')));
      zip.on('error', (e: Error) => fail(zipOpenError(path, fileSize, e)));
      zip.readEntry();
    });
  });
}

function spread(f: { message: string; hint: string }): [string, string] {
  return [f.message, f.hint];
}

/** Thrown by the member check: the sentence is ready. */
export class ZipMemberError extends Error {
  constructor(readonly apiError: ApiError) {
    super(apiError.message);
    this.name = 'ZipMemberError';
  }
}

/**
 * Passes a member's inflated bytes through while checking them against its record: never more bytes than
 * recorded (stops at once), exactly as many at the end, and the same CRC-32.
 */
export function zipMemberCheck(archiveName: string, record: ZipMemberRecord): Transform {
  let count = 0;
  let crc = 0;
  const problem = (p: Parameters<typeof explainZipMember>[2]): ZipMemberError =>
    new ZipMemberError(new ApiError('source-error', ...spread(explainZipMember(archiveName, record, p))));
  return new Transform({
    transform(chunk: Buffer, _e, cb) {
      count += chunk.length;
      if (count > record.uncompressedSize) return cb(problem({ type: 'too-long', actual: count }));
      crc = crc32(chunk, crc);
      cb(null, chunk);
    },
    flush(cb) {
      if (count < record.uncompressedSize) return cb(problem({ type: 'too-short', actual: count }));
      if (crc >>> 0 !== record.crc32 >>> 0) return cb(problem({ type: 'crc', actual: crc }));
      cb();
    },
  });
}
