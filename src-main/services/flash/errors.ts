import { ApiError } from '../../api/errors.js';
import { formatBytes } from '../../core/util/format.js';

/** Raised when a card is cancelled by the technician. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled by the technician');
    this.name = 'CancelledError';
  }
}

/** Turns a low-level write/read error into a sentence naming the card, the offset, the cause and the fix. */
export function explainCardError(device: string, offset: number | null, error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const e = error as NodeJS.ErrnoException;
  const at = offset === null ? '' : ` at offset ${offset} (${formatBytes(offset)})`;
  switch (e.code) {
    case 'EIO':
    case 'EUNPLUGGED':
      return new ApiError(
        'io-error',
        `${device}: I/O error${at} (EIO, retried 5 times): the card is failing or was pulled out`,
        'try another card; if many cards fail, try another reader',
      );
    case 'ENODEV':
    case 'ENXIO':
    case 'ENOENT':
      return new ApiError('io-error', `${device}: the card was removed${at} (${e.code})`, 'insert it again and retry');
    case 'ENOSPC':
      return new ApiError('io-error', `${device}: the card is full${at}: it is smaller than the image`, 'use a larger card');
    case 'EBUSY':
      return new ApiError(
        'io-error',
        `${device}: busy (EBUSY): another program holds it open or one of its partitions is mounted`,
        'close that program or unmount the card, then retry',
      );
    case 'EACCES':
    case 'EPERM':
      return new ApiError(
        'permission',
        `${device}: permission denied (${e.code})`,
        'walt-bench needs root for raw writes: run the CLI as root (`sudo walt-bench flash ...`), or restart the app and accept the authorization (pkexec) that starts its privileged helper',
      );
    case 'EROFS':
      return new ApiError('io-error', `${device}: the card is read-only (EROFS)`, "slide the card's lock switch off");
    default:
      return new ApiError('io-error', `${device}: ${e.message ?? String(error)}${at}`);
  }
}

/** A card that read back other bytes than were written: where, and what to do. */
export function verificationFailed(device: string, from: number, to: number | null = null): ApiError {
  const where = to === null ? `at offset ${from}` : `between offset ${from} and ${to}`;
  return new ApiError(
    'io-error',
    `${device}: verification failed: the card returned different bytes ${where} (${formatBytes(from)})`,
    'the card is failing or counterfeit: use another card',
  );
}
