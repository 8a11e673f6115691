#!/usr/bin/env node
// npm run build:bundle: bundles the CLI with esbuild into dist/bundle/ (bin/walt-bench.js runs it). Node resolves and
// compiles one file instead of ~200 modules (ours, zod, ws, yauzl...), so the fixed cost of every command drops.
// Two files: cli.cjs (help, version, dispatch: tiny, so `--help` costs Node's own start-up) and run-command.cjs
// (every command, the backend and the pure-JS dependencies), which cli.cjs requires only when a command runs.
// Native modules and etcher-sdk (natives, wasm and data files found by path) stay in node_modules, loaded at runtime.
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;

/** Loaded from node_modules at runtime: native addons, packages reading their own files, Electron. */
const external = [
  'etcher-sdk',
  'drivelist',
  'serialport',
  '@serialport/*',
  'lzma-native',
  'xxhash-addon',
  'js-fatfs',
  'electron',
];

/** Keeps main.ts's require('./run-command.js') a runtime require of the second bundle. */
const splitRunCommand = {
  name: 'split-run-command',
  setup(b) {
    b.onResolve({ filter: /^\.\/run-command\.js$/ }, (args) =>
      args.importer.endsWith('/cli/main.ts') ? { path: './run-command.cjs', external: true } : undefined,
    );
  },
};

/**
 * zod's `locales` namespace (error messages in ~50 languages, a quarter of the bundle) reduced to English, the one
 * zod registers by default: walt-bench never calls z.config() with another, and writes its own messages anyway.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /node_modules\/zod\/v4\/(core|classic|mini)\//.test(args.importer)
        ? { path: new URL('../locales/en.js', `file://${args.importer}`).pathname, namespace: 'zod-en' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-en' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: root,
    }));
  },
};

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  // Less to parse at every start; names kept (error classes, stack traces), the source map beside each file.
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  external,
  logLevel: 'warning',
  plugins: [splitRunCommand, zodEnglishOnly],
};

/**
 * etcher-sdk's writer parts (what services/flash/etcher.ts loads: block device, file, block streams, aligned
 * buffers) as a third file: one file to compile instead of ~80 modules to resolve (~45 -> ~25 ms). Its native
 * addons stay in node_modules, and so do the parts etcher-sdk itself loads lazily (USB boot, drive listing).
 */
const etcherWriter = {
  ...common,
  plugins: [],
  stdin: {
    contents: ['block-device', 'file'].map((m) => `exports['${m}'] = require('etcher-sdk/build/source-destination/${m}');`)
      .concat(['block-read-stream', 'block-write-stream', 'aligned-lockable-buffer'].map((m) => `exports['${m}'] = require('etcher-sdk/build/${m}');`))
      .join('\n'),
    resolveDir: root,
    loader: 'js',
  },
  external: ['@ronomon/direct-io', 'xxhash-addon', 'node-gyp-build', 'bindings', 'usb', 'node-raspberrypi-usbboot', 'drivelist', 'mountutils', 'winusb-driver-generator', 'lzma-native'],
  outfile: 'dist/bundle/etcher-writer.cjs',
};

await Promise.all([
  build({ ...common, entryPoints: ['src-main/cli/main.ts'], outfile: 'dist/bundle/cli.cjs' }),
  build({ ...common, entryPoints: ['src-main/cli/run-command.ts'], outfile: 'dist/bundle/run-command.cjs' }),
  build(etcherWriter),
]);
