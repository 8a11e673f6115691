/**
 * The one door to etcher-sdk. Its main entry loads ~600 modules (cloud, HTTP, AWS, usbboot, udif, zip: ~0.5 s) the
 * card writer never uses, and registers process-wide 'uncaughtException' / 'unhandledRejection' handlers (from
 * bundled emscripten modules) that rethrow, so one stray rejection anywhere would kill the app. This module loads
 * only the writer's modules (block device, file, block streams, aligned buffers: ~50 ms) by deep import (or their
 * bundle beside the CLI's, ~25 ms), loads the
 * main entry only if something asks for another part, and removes exactly the handlers any load added.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

type Sdk = typeof import('etcher-sdk');
type BlockDeviceModule = typeof import('etcher-sdk/build/source-destination/block-device');
type FileModule = typeof import('etcher-sdk/build/source-destination/file');
type BlockReadStreamModule = typeof import('etcher-sdk/build/block-read-stream');
type BlockWriteStreamModule = typeof import('etcher-sdk/build/block-write-stream');
type AlignedBufferModule = typeof import('etcher-sdk/build/aligned-lockable-buffer');

interface Loaded {
  /**
   * etcher-sdk's namespace as the writer sees it: `sourceDestination.BlockDevice` and `.File` come from the deep
   * imports; any other member loads the main entry on first use (contained too).
   */
  sdk: Sdk;
  BlockReadStream: BlockReadStreamModule['BlockReadStream'];
  BlockWriteStream: BlockWriteStreamModule['BlockWriteStream'];
  /** A buffer aligned in memory for O_DIRECT reads and writes. */
  createAlignedBuffer: AlignedBufferModule['createBuffer'];
}

let loaded: Loaded | null = null;
let full: Sdk | null = null;

const EVENTS = ['uncaughtException', 'unhandledRejection'] as const;

/** Runs `load` and removes every 'uncaughtException' / 'unhandledRejection' listener it added. */
function contained<T>(load: () => T): T {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  const listeners = (e: (typeof EVENTS)[number]): Function[] => process.listeners(e as 'uncaughtException');
  const before = new Map(EVENTS.map((e) => [e, new Set(listeners(e))]));
  try {
    return load();
  } finally {
    for (const e of EVENTS) {
      for (const l of listeners(e)) {
        if (!before.get(e)!.has(l)) process.removeListener(e as 'uncaughtException', l as (error: Error) => void);
      }
    }
  }
}

/** etcher-sdk's main entry (slow), loaded once, its lazy emscripten-backed parts forced while we are watching. */
function fullSdk(): Sdk {
  if (!full) {
    full = contained(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const sdk = require('etcher-sdk') as Sdk;
      void sdk.sourceDestination;
      return sdk;
    });
  }
  return full;
}

/** The namespace view: the given sourceDestination members, everything else from the main entry on demand. */
function sdkView(light: Partial<Sdk['sourceDestination']>): Sdk {
  const sourceDestination = new Proxy(light, {
    get: (target, key) =>
      key in target ? target[key as keyof typeof target] : fullSdk().sourceDestination[key as keyof Sdk['sourceDestination']],
  }) as Sdk['sourceDestination'];
  return new Proxy({} as Sdk, {
    get: (_target, key) => (key === 'sourceDestination' ? sourceDestination : fullSdk()[key as keyof Sdk]),
  });
}

/** The writer's modules of etcher-sdk, by their path under etcher-sdk/build/. */
interface WriterModules {
  'block-device': BlockDeviceModule;
  file: FileModule;
  'block-read-stream': BlockReadStreamModule;
  'block-write-stream': BlockWriteStreamModule;
  'aligned-lockable-buffer': AlignedBufferModule;
}

/**
 * The writer's modules: from dist/bundle/etcher-writer.cjs beside the CLI's bundle when running from it (one file
 * instead of ~80 modules, scripts/bundle.mjs), else by deep import from node_modules (tsc build, tests).
 */
function writerModules(): WriterModules {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const bundled = join(__dirname, 'etcher-writer.cjs');
  if (existsSync(bundled)) return require(bundled) as WriterModules;
  return {
    'block-device': require('etcher-sdk/build/source-destination/block-device') as BlockDeviceModule,
    file: require('etcher-sdk/build/source-destination/file') as FileModule,
    'block-read-stream': require('etcher-sdk/build/block-read-stream') as BlockReadStreamModule,
    'block-write-stream': require('etcher-sdk/build/block-write-stream') as BlockWriteStreamModule,
    'aligned-lockable-buffer': require('etcher-sdk/build/aligned-lockable-buffer') as AlignedBufferModule,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/** Loads the writer's parts of etcher-sdk once, with its process handlers contained. */
export function etcher(): Loaded {
  if (loaded) return loaded;
  loaded = contained(() => {
    const m = writerModules();
    return {
      sdk: sdkView({ BlockDevice: m['block-device'].BlockDevice, File: m.file.File }),
      BlockReadStream: m['block-read-stream'].BlockReadStream,
      BlockWriteStream: m['block-write-stream'].BlockWriteStream,
      createAlignedBuffer: m['aligned-lockable-buffer'].createBuffer,
    };
  });
  return loaded;
}
