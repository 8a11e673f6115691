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

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  external,
  logLevel: 'warning',
  plugins: [splitRunCommand],
};

await Promise.all([
  build({ ...common, entryPoints: ['src-main/cli/main.ts'], outfile: 'dist/bundle/cli.cjs' }),
  build({ ...common, entryPoints: ['src-main/cli/run-command.ts'], outfile: 'dist/bundle/run-command.cjs' }),
]);
