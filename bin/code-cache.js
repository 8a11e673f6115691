'use strict';
// V8 code cache for the CLI's command bundle (dist/bundle/run-command.cjs, ~900 KB): compiling it costs ~30-40 ms of
// every command's start on this machine; with the cache V8 deserializes the functions its start-up runs instead.
// scripts/bundle.mjs writes `run-command.cjs.cache` right after bundling: the sha-1 of the bundle, then V8's data.
// A cache made for another bundle (the hash) or another Node/V8 (V8 rejects it) is ignored: the bundle is compiled
// as usual. The bundle's import() (js-fatfs, an ES module) goes to Node's own loader.
// Only what the hook needs is loaded up front (`--help` never loads the bundle): crypto and vm when it is loaded.
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname } = require('node:path');

const HASH_BYTES = 20;

function compile(filename, cachedData, source = readFileSync(filename)) {
  const vm = require('node:vm');
  return new vm.Script(Module.wrap(source.toString('utf8')), {
    filename,
    ...(cachedData ? { cachedData } : {}),
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
}

function sha1(bytes) {
  return require('node:crypto').createHash('sha1').update(bytes).digest();
}

/** Runs a CommonJS file compiled by `script` as the body of `module`. */
function run(script, module, filename) {
  const body = script.runInThisContext();
  body.call(module.exports, module.exports, Module.createRequire(filename), module, filename, dirname(filename));
}

/**
 * Makes `require(filename)` use the code cache beside it when one for this very file is there (else Node's own
 * compile); any other file loads as usual.
 */
function useCodeCache(filename) {
  const previous = Module._extensions['.cjs'] || Module._extensions['.js'];
  Module._extensions['.cjs'] = function load(module, file) {
    if (file !== filename) return previous(module, file);
    let cache = null;
    try {
      cache = readFileSync(`${filename}.cache`);
    } catch {
      // no cache: compiled as usual
    }
    if (cache === null || cache.length <= HASH_BYTES) return previous(module, file);
    // the bundle is read once: hashed against the cache's, then compiled from the same bytes
    const source = readFileSync(filename);
    if (!cache.subarray(0, HASH_BYTES).equals(sha1(source))) return previous(module, file);
    run(compile(filename, cache.subarray(HASH_BYTES), source), module, filename);
  };
}

/** Loads the file once (its start-up code runs) and returns its code cache, prefixed with the file's sha-1. */
function makeCodeCache(filename) {
  const source = readFileSync(filename);
  const script = compile(filename, undefined, source);
  const module = new Module(filename, null);
  module.filename = filename;
  module.paths = Module._nodeModulePaths(dirname(filename));
  run(script, module, filename);
  return Buffer.concat([sha1(source), script.createCachedData()]);
}

module.exports = { useCodeCache, makeCodeCache };
