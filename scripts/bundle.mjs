#!/usr/bin/env node
// npm run build:bundle: bundles the CLI with esbuild into dist/bundle/ (bin/walt-bench.js runs it). Node resolves and
// compiles one file instead of ~200 modules (ours, zod, ws, yauzl...), so the fixed cost of every command drops.
// Two files: cli.cjs (help, version, dispatch: tiny, so `--help` costs Node's own start-up) and run-command.cjs
// (every command, the backend and the pure-JS dependencies), which cli.cjs requires only when a command runs.
// Native modules and etcher-sdk (natives, wasm and data files found by path) stay in node_modules, loaded at runtime.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
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

/**
 * fatfs.ts's `import('js-fatfs')` (an ES module) goes through dist/bundle/esm-import.cjs, a file Node compiles itself:
 * an import() in a script compiled from a V8 code cache (bin/code-cache.js) finds no loader on Node 20.
 */
const esmImportOutside = {
  name: 'esm-import-outside',
  setup(b) {
    b.onResolve({ filter: /^\.\/esm-import\.cjs$/ }, () => ({ path: './esm-import.cjs', external: true }));
    b.onLoad({ filter: /src-main\/services\/card\/fatfs\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const call = "await import('js-fatfs')";
      if (!source.includes(call)) throw new Error(`${args.path}: ${call} not found (scripts/bundle.mjs rewrites it)`);
      const contents = source.replace(call, "await (require('./esm-import.cjs') as (id: string) => Promise<unknown>)('js-fatfs')");
      return { contents, loader: 'ts' };
    });
  },
};

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  // Less to parse at every start, the source map beside each file. Identifiers are not minified, so classes and
  // functions keep their names; keepNames would only fix the few functions renamed apart in the one scope (parse3 for
  // parse: the source map names them) at the price of a __name() call per function at load (~1,700: ~8 ms).
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: false,
  external,
  logLevel: 'warning',
  plugins: [splitRunCommand, zodEnglishOnly, esmImportOutside],
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

writeFileSync(join(root, 'dist/bundle/esm-import.cjs'), "'use strict';\n// An ES module loaded by Node's own loader (scripts/bundle.mjs).\nmodule.exports = (id) => import(id);\n");

// The V8 code caches (bin/code-cache.js) of the command bundle and of etcher-sdk's writer parts (loaded before a
// flash's first byte: ~8 ms of compiling), made by this Node after the bundles are written: each one's start-up code
// runs once (no command), so the functions every command's start compiles are in it.
const require = createRequire(import.meta.url);
for (const bundle of ['run-command.cjs', 'etcher-writer.cjs']) {
  const file = join(root, 'dist/bundle', bundle);
  writeFileSync(`${file}.cache`, require('../bin/code-cache.js').makeCodeCache(file));
}
