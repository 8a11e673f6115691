'use strict';
// V8's code cache for the CLI bundle (Node 20 has no module.enableCompileCache): the modules of `dir` are compiled
// with the code V8 produced for them at an earlier run, kept in `<file>.<sha1 of its source>.<node version>.v8cache`
// (a rebuilt bundle or another Node never meets a stale cache; V8 also rejects a cache made by another build of it).
// A missing or rejected cache is written after the command ran (so it holds the functions the run compiled);
// a folder that cannot be written (an install owned by root) simply runs without one.
const { createHash } = require('node:crypto');
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

/** Compiles the modules of `dir` through the code cache; returns save(), which writes the caches a run lacked. */
function compileCache(dir) {
  const prefix = join(dir, '/');
  const pending = [];
  const original = Module.prototype._compile;
  Module.prototype._compile = function compile(content, filename) {
    if (!filename.startsWith(prefix) || !filename.endsWith('.cjs')) return original.call(this, content, filename);
    const digest = createHash('sha1').update(content).digest('hex').slice(0, 16);
    const cacheFile = `${filename}.${digest}.${process.version}.v8cache`;
    let cachedData;
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
    const script = new vm.Script(Module.wrap(content), { filename, cachedData });
    if (cachedData === undefined || script.cachedDataRejected) pending.push({ script, cacheFile });
    const fn = script.runInThisContext({ displayErrors: true });
    const require = Module.createRequire(filename);
    return fn.call(this.exports, this.exports, require, this, filename, dirname(filename));
  };
  return {
    save() {
      for (const { script, cacheFile } of pending.splice(0)) {
        try {
          const tmp = `${cacheFile}.${process.pid}.tmp`;
          writeFileSync(tmp, script.createCachedData(), { flag: 'wx' });
          renameSync(tmp, cacheFile);
        } catch {
          // no cache this time: the next run compiles again
        }
      }
    },
  };
}

module.exports = { compileCache };
