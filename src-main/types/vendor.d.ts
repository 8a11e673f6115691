// Types for the untyped packages walt-bench uses directly.
declare module 'lzma-native' {
  import type { Transform } from 'node:stream';
  export function createDecompressor(options?: { synchronous?: boolean }): Transform;
  export function parseFileIndexFD(
    fd: number,
    callback: (error: Error | null, info?: { uncompressedSize: number; streams: number }) => void,
  ): void;
}
declare module 'unbzip2-stream' {
  import type { Transform } from 'node:stream';
  function unbzip2(): Transform;
  export = unbzip2;
}
