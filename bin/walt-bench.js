#!/usr/bin/env node
'use strict';
// The walt-bench CLI. The TypeScript sources are bundled to dist/bundle/ (esbuild, scripts/bundle.mjs) by
// `npm install` (prepare) or `npm run build`: one file to compile instead of hundreds of modules to resolve.
// Each card keeps a read and a write in flight on libuv's thread pool: 4 threads (the default) would serialize cards.
process.env.UV_THREADPOOL_SIZE = process.env.UV_THREADPOOL_SIZE || '16';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'bundle', 'cli.cjs');
if (!existsSync(entry)) {
  process.stderr.write('walt-bench: not built yet: run `npm run build` in ' + join(__dirname, '..') + '\n');
  process.exit(1);
}
// The command bundle and etcher-sdk's writer parts load from their V8 code caches when there are ones for them
// (bin/code-cache.js).
const { useCodeCache } = require('./code-cache.js');
useCodeCache(join(__dirname, '..', 'dist', 'bundle', 'run-command.cjs'));
useCodeCache(join(__dirname, '..', 'dist', 'bundle', 'etcher-writer.cjs'));
require(entry)
  .main(process.argv.slice(2))
  .then((status) => process.exit(status))
  .catch((error) => {
    process.stderr.write('walt-bench: ' + (error && error.stack ? error.stack : String(error)) + '\n');
    process.exit(1);
  });
