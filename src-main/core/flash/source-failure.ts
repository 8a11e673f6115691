import { formatBytes } from '../util/format.js';
import { assertNever } from '../util/assert-never.js';

/** A sentence naming the file, the offset and the cause, and the fix: what the API turns into a source-error. */
export interface SourceFailure {
  message: string;
  hint: string;
}

/** The fix for a file that ends too early. */
export const CUT_SHORT_FIX = 'the download was cut short: download it again (and check its sha256); nothing was written to any card';
/** The fix for a file whose bytes are wrong. */
export const CORRUPT_FIX = 'download it again (and check its sha256); nothing was written to any card';

/** The compressed kinds decoded by a stream decoder. */
export type StreamKind = 'gz' | 'xz' | 'bz2';

/** Why a decoder stopped. */
export type DecodeCause = 'truncated' | 'trailer-crc' | 'trailer-size' | 'check' | 'corrupt';

/** What a decoder said when it failed, and how far into the file it had been fed. */
export interface DecodeFailure {
  kind: StreamKind;
  message: string;
  /** The decoder's error code (zlib: Z_BUF_ERROR...; liblzma: LZMA_BUF_ERROR..., its error name). */
  code: string | undefined;
  /** Compressed bytes handed to the decoder when it failed. */
  compressedRead: number;
  fileSize: number;
  /** Decompressed bytes produced before the failure. */
  outBytes: number;
}

const LABEL: Record<StreamKind, string> = { gz: 'gzip', xz: 'xz', bz2: 'bzip2' };

/** Reads a decoder's error as a cause (zlib, liblzma and unbzip2-stream word them differently). */
export function decodeCause(f: DecodeFailure): DecodeCause {
  const m = f.message;
  const fedAll = f.compressedRead >= f.fileSize;
  switch (f.kind) {
    case 'gz':
      if (f.code === 'Z_BUF_ERROR' || /unexpected end/i.test(m)) return 'truncated';
      if (/incorrect data check/i.test(m)) return 'trailer-crc';
      if (/incorrect length check/i.test(m)) return 'trailer-size';
      return 'corrupt';
    case 'xz':
      if (f.code === 'LZMA_BUF_ERROR' || /unexpected end|truncated/i.test(m)) return 'truncated';
      if (f.code === 'LZMA_DATA_ERROR' || /data is corrupt/i.test(m)) return 'check';
      return 'corrupt';
    case 'bz2':
      if (/crc32 do not match/i.test(m)) return 'check';
      // unbzip2-stream reads past its buffer (a TypeError) when the whole file was fed and the stream is unfinished.
      if (/ended prematurely/i.test(m) || (fedAll && /undefined|null/i.test(m))) return 'truncated';
      return 'corrupt';
    default:
      return assertNever(f.kind, 'stream kind');
  }
}

/** The sentence for a decoder that failed: the file, where, why, and what to do. */
export function explainDecodeFailure(name: string, f: DecodeFailure): SourceFailure {
  const label = LABEL[f.kind];
  const near = `by compressed offset ${f.compressedRead} of ${f.fileSize}`;
  const cause = decodeCause(f);
  switch (cause) {
    case 'truncated':
      return {
        message: `${name} is truncated: the file ends at offset ${f.fileSize} (${formatBytes(f.fileSize)}) before its ${label} stream is complete, after ${f.outBytes} decompressed bytes (${f.message})`,
        hint: CUT_SHORT_FIX,
      };
    case 'trailer-crc':
    case 'trailer-size': {
      const field = cause === 'trailer-crc' ? 'CRC-32' : 'size (ISIZE)';
      const at = f.compressedRead >= f.fileSize ? `at offset ${f.fileSize - (cause === 'trailer-crc' ? 8 : 4)}` : near;
      return {
        message: `${name} is corrupt: the ${field} in its gzip trailer ${at} does not match the decompressed data (${f.message})`,
        hint: CORRUPT_FIX,
      };
    }
    case 'check':
      return {
        message: `${name} is corrupt: its ${label} data or integrity check does not match, ${near}, after ${f.outBytes} decompressed bytes (${f.message})`,
        hint: CORRUPT_FIX,
      };
    case 'corrupt':
      return { message: `${name} is corrupt: ${label} decoding failed ${near}, after ${f.outBytes} decompressed bytes (${f.message})`, hint: CORRUPT_FIX };
    default:
      return assertNever(cause, 'decode cause');
  }
}

/** A zip member as its central directory describes it. */
export interface ZipMemberRecord {
  name: string;
  /** Offset of the member's local header in the archive. */
  offset: number;
  compressedSize: number;
  uncompressedSize: number;
  crc32: number;
}

/** What was wrong with a zip member's bytes. */
export type ZipMemberProblem =
  | { type: 'crc'; actual: number }
  | { type: 'too-long'; actual: number }
  | { type: 'too-short'; actual: number }
  | { type: 'data-past-end'; fileSize: number }
  | { type: 'inflate'; detail: string; compressedRead: number };

const hex = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

/** The sentence for a zip member that does not match its own record: member, offset, cause, fix. */
export function explainZipMember(name: string, m: ZipMemberRecord, problem: ZipMemberProblem): SourceFailure {
  const member = `member "${m.name}" (local header at offset ${m.offset})`;
  switch (problem.type) {
    case 'crc':
      return {
        message: `${name}: ${member} is corrupt: its ${m.uncompressedSize} bytes have CRC-32 ${hex(problem.actual)}, the archive records ${hex(m.crc32)}`,
        hint: CORRUPT_FIX,
      };
    case 'too-long':
      return {
        message: `${name}: ${member} is corrupt: it inflates to more than the ${m.uncompressedSize} bytes the archive records (stopped at ${problem.actual})`,
        hint: CORRUPT_FIX,
      };
    case 'too-short':
      return {
        message: `${name}: ${member} is corrupt: it inflates to ${problem.actual} bytes, the archive records ${m.uncompressedSize}`,
        hint: CORRUPT_FIX,
      };
    case 'data-past-end':
      return {
        message: `${name} is truncated: ${member} has ${m.compressedSize} compressed bytes that run past the end of the file at offset ${problem.fileSize}`,
        hint: CUT_SHORT_FIX,
      };
    case 'inflate':
      return {
        message: `${name}: ${member} is corrupt: deflate decoding failed after ${problem.compressedRead} of its ${m.compressedSize} compressed bytes (${problem.detail})`,
        hint: CORRUPT_FIX,
      };
    default:
      return assertNever(problem, 'zip member problem');
  }
}

/** What bounds the decompressed size of a source. */
export type OutputBound = { type: 'card'; device: string; bytes: number } | { type: 'cache'; dir: string; bytes: number };

/** The sentence for a source stopped because it decompresses to more than can ever be used or stored. */
export function explainOverflow(name: string, bound: OutputBound, compressedRead: number, fileSize: number): SourceFailure {
  const stopped = `stopped after ${compressedRead} of its ${fileSize} compressed bytes, the partial file deleted`;
  switch (bound.type) {
    case 'card':
      return {
        message: `${name} decompresses to more than ${formatBytes(bound.bytes)}, the size of the largest selected card (${bound.device}): ${stopped}`,
        hint: 'use a card at least as large as the image, or check it is the right file (one that expands this much may be a decompression bomb); nothing was written to any card',
      };
    case 'cache':
      return {
        message: `${name} decompresses to more than the ${formatBytes(bound.bytes)} free in ${bound.dir}: ${stopped}`,
        hint: 'free space there, or set WALT_BENCH_HOME to a larger disk; nothing was written to any card',
      };
    default:
      return assertNever(bound, 'output bound');
  }
}
