import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { after, describe, it } from 'node:test';

/* eslint-disable @typescript-eslint/no-require-imports */
const { makeCodeCache, useCodeCache } = require('../../bin/code-cache.js') as {
  makeCodeCache(file: string): Buffer;
  useCodeCache(file: string): void;
};

describe("the CLI bundle's V8 code cache (bin/code-cache.js)", () => {
  const dir = mkdtempSync(join(tmpdir(), 'wb-codecache-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a file loads from its cache (V8 accepts it) with its require and exports', () => {
    const file = join(dir, 'bundle.cjs');
    writeFileSync(file, "exports.answer = 40 + 2; exports.base = require('node:path').basename(__filename);\n");
    const cache = makeCodeCache(file);
    writeFileSync(`${file}.cache`, cache);
    useCodeCache(file);
    const rejected: boolean[] = [];
    const Script = vm.Script;
    vm.Script = class extends Script {
      constructor(code: string, options?: vm.ScriptOptions) {
        super(code, options);
        if (options?.cachedData) rejected.push(this.cachedDataRejected === true);
      }
    };
    try {
      const m = require(file) as { answer: number; base: string };
      assert.equal(m.answer, 42);
      assert.equal(m.base, 'bundle.cjs');
    } finally {
      vm.Script = Script;
    }
    assert.deepEqual(rejected, [false], 'compiled once, from the cache');
  });

  it('a cache made for another content of the file is never used: the file as it is now runs', () => {
    const file = join(dir, 'rebuilt.cjs');
    writeFileSync(file, 'exports.version = 1;\n');
    writeFileSync(`${file}.cache`, makeCodeCache(file));
    // Rebuilt with the same length (V8's own check of a cache compares lengths only).
    writeFileSync(file, 'exports.version = 2;\n');
    useCodeCache(file);
    assert.equal((require(file) as { version: number }).version, 2);
  });

  it('a missing or truncated cache falls back to the usual compile', () => {
    const file = join(dir, 'nocache.cjs');
    writeFileSync(file, 'exports.ok = true;\n');
    useCodeCache(file);
    assert.equal((require(file) as { ok: boolean }).ok, true);
    const cut = join(dir, 'cut.cjs');
    writeFileSync(cut, 'exports.ok = "cut";\n');
    writeFileSync(`${cut}.cache`, Buffer.alloc(5));
    useCodeCache(cut);
    assert.equal((require(cut) as { ok: string }).ok, 'cut');
  });
});
