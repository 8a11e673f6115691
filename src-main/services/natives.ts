/**
 * The native modules, each loaded on its first use rather than at start-up: a CLI command pays only for those it
 * uses (serialport alone costs ~40 ms to load, lzma-native ~20 ms), and `walt-bench journal` loads none.
 */
/* eslint-disable @typescript-eslint/no-require-imports */

/** Loads a module once, on the first call. */
function onFirstUse<T>(load: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= load());
}

/** lzma-native (.xz decompression and index). */
export const lzmaNative = onFirstUse(() => require('lzma-native') as typeof import('lzma-native'));

/** serialport (consoles and the port list). */
export const serialportModule = onFirstUse(() => require('serialport') as typeof import('serialport'));

/**
 * drivelist (the drive list). On Linux its list is its lsblk part, pure JS: loaded alone, without the main entry's
 * search for its native addon (unused there; ~25 ms of synchronous stats on the main thread, before the first card).
 */
export const drivelistModule = onFirstUse((): Pick<typeof import('drivelist'), 'list'> => {
  if (process.platform !== 'linux') return require('drivelist') as typeof import('drivelist');
  const { lsblk } = require('drivelist/js/lsblk') as { lsblk: typeof import('drivelist').list };
  return { list: lsblk };
});

/** drivelist's lsblk JSON transform alone (the early lsblk of a CLI flash: services/drives/early-listing.ts). */
export const lsblkJson = onFirstUse(() => require('drivelist/js/lsblk/json') as typeof import('drivelist/js/lsblk/json'));
