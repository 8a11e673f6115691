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

/** drivelist (the drive list). */
export const drivelistModule = onFirstUse(() => require('drivelist') as typeof import('drivelist'));
