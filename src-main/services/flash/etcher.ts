/**
 * The one door to etcher-sdk. Requiring it registers process-wide 'uncaughtException' / 'unhandledRejection'
 * handlers (from bundled emscripten modules) that rethrow, so one stray rejection anywhere would kill the app.
 * This module loads it and removes exactly the handlers the load added.
 */
type Sdk = typeof import('etcher-sdk');
type BlockReadStreamModule = typeof import('etcher-sdk/build/block-read-stream');
type BlockWriteStreamModule = typeof import('etcher-sdk/build/block-write-stream');
type AlignedBufferModule = typeof import('etcher-sdk/build/aligned-lockable-buffer');

interface Loaded {
  sdk: Sdk;
  BlockReadStream: BlockReadStreamModule['BlockReadStream'];
  BlockWriteStream: BlockWriteStreamModule['BlockWriteStream'];
  /** A buffer aligned in memory for O_DIRECT reads and writes. */
  createAlignedBuffer: AlignedBufferModule['createBuffer'];
}

let loaded: Loaded | null = null;

const EVENTS = ['uncaughtException', 'unhandledRejection'] as const;

/** Loads etcher-sdk once, with its process handlers contained. */
export function etcher(): Loaded {
  if (loaded) return loaded;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  const listeners = (e: (typeof EVENTS)[number]): Function[] => process.listeners(e as 'uncaughtException');
  const before = new Map(EVENTS.map((e) => [e, new Set(listeners(e))]));
  /* eslint-disable @typescript-eslint/no-require-imports */
  const sdk = require('etcher-sdk') as Sdk;
  const { BlockReadStream } = require('etcher-sdk/build/block-read-stream') as BlockReadStreamModule;
  const { BlockWriteStream } = require('etcher-sdk/build/block-write-stream') as BlockWriteStreamModule;
  const { createBuffer } = require('etcher-sdk/build/aligned-lockable-buffer') as AlignedBufferModule;
  // Force the lazy emscripten-backed parts to load now, while we are watching.
  void sdk.sourceDestination;
  /* eslint-enable @typescript-eslint/no-require-imports */
  for (const e of EVENTS) {
    for (const l of listeners(e)) {
      if (!before.get(e)!.has(l)) process.removeListener(e as 'uncaughtException', l as (error: Error) => void);
    }
  }
  loaded = { sdk, BlockReadStream, BlockWriteStream, createAlignedBuffer: createBuffer };
  return loaded;
}
