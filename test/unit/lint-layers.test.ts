/**
 * The layer rule (tools/eslint-rules/layers.mjs) through the repository's real ESLint config: core stays pure,
 * the renderer stays free of Node and Electron, raw IPC stays in the Electron transport.
 */
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const root = resolve(__dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

/** Lints source text as if it lived at a path of the repository; returns the layer rule's messages. */
async function layerProblems(relPath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, relPath) });
  assert.ok(result, 'ESLint returned no result');
  return result.messages.filter((m) => m.ruleId === 'layers/boundaries').map((m) => m.message);
}

/** All messages (any rule) for a source text. */
async function allProblems(relPath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, relPath) });
  assert.ok(result);
  return result.messages.map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('core layer', () => {
  it('refuses a Node built-in (node:fs and bare fs)', async () => {
    const p = await layerProblems('src-main/core/x/read.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n");
    assert.equal(p.length, 1);
    assert.match(p[0] ?? '', /no Node built-in \("node:fs"\)/);
    const bare = await layerProblems('src-main/core/x/read.ts', "import * as fs from 'fs';\nexport const r = fs;\n");
    assert.match(bare[0] ?? '', /no Node built-in \("fs"\)/);
  });

  it('refuses setTimeout, process and fetch (also through globalThis)', async () => {
    const p = await layerProblems(
      'src-main/core/x/timer.ts',
      'export function later(f: () => void): void {\n  setTimeout(f, 10);\n  void process.env;\n  void globalThis.fetch;\n}\n',
    );
    assert.equal(p.length, 3, p.join('\n'));
    assert.match(p.join('\n'), /setTimeout/);
    assert.match(p.join('\n'), /process/);
    assert.match(p.join('\n'), /fetch/);
  });

  it('refuses services, transports and I/O packages, but allows zod and other core files', async () => {
    const p = await layerProblems(
      'src-main/core/x/bad.ts',
      [
        "import { statePaths } from '../../services/paths.js';",
        "import { startHelper } from '../../transports/helper/helper-client.js';",
        "import { list } from 'drivelist';",
        "import { z } from 'zod';",
        "import { formatBytes } from '../util/format.js';",
        'export const all = [statePaths, startHelper, list, z, formatBytes];',
      ].join('\n'),
    );
    assert.equal(p.length, 3, p.join('\n'));
    assert.match(p[0] ?? '', /src-main\/services/);
    assert.match(p[1] ?? '', /src-main\/transports/);
    assert.match(p[2] ?? '', /"drivelist"/);
  });

  it('accepts a clean core file (injected clock, local names shadowing globals)', async () => {
    const code = [
      "import { z } from 'zod';",
      '/** A verdict with an injected clock. */',
      'export function stamp(now: () => number, setTimeout: (f: () => void) => void): number {',
      '  setTimeout(() => undefined);',
      '  return now() + z.number().parse(1);',
      '}',
      'let timer: ReturnType<typeof stamp> | undefined;',
      'export const t = timer;',
    ].join('\n');
    assert.deepEqual(await allProblems('src-main/core/x/clean.ts', code), []);
  });
});

describe('renderer layer', () => {
  it('refuses node:path and electron', async () => {
    const p = await layerProblems('src-renderer/src/views/x.ts', "import { join } from 'node:path';\nexport const j = join;\n");
    assert.equal(p.length, 1);
    assert.match(p[0] ?? '', /no Node built-in \("node:path"\)/);
    const e = await layerProblems('src-renderer/src/views/x.ts', "import { shell } from 'electron';\nexport const s = shell;\n");
    assert.match(e[0] ?? '', /may not import electron/);
  });

  it('refuses src-main outside the contract and core', async () => {
    const p = await layerProblems(
      'src-renderer/src/views/x.ts',
      "import { statePaths } from '../../../src-main/services/paths.js';\nexport const s = statePaths;\n",
    );
    assert.match(p[0] ?? '', /only the API contract and core/);
  });

  it('accepts a clean renderer file (react, contract, errors, core)', async () => {
    const code = [
      "import { useState } from 'react';",
      "import { commands } from '../../../src-main/api/contract.js';",
      "import { toApiError } from '../../../src-main/api/errors.js';",
      "import { formatBytes } from '../../../src-main/core/util/format.js';",
      'export const all = [useState, commands, toApiError, formatBytes];',
    ].join('\n');
    assert.deepEqual(await allProblems('src-renderer/src/views/x.ts', code), []);
  });
});

describe('IPC confinement and exports', () => {
  it('refuses ipcMain and webContents.send outside the Electron transport', async () => {
    const code = "import { ipcMain, type BrowserWindow } from 'electron';\nexport function f(w: BrowserWindow): void {\n  ipcMain.removeHandler('x');\n  w.webContents.send('x', 1);\n}\n";
    const p = await layerProblems('src-main/services/x/leak.ts', code);
    assert.equal(p.length, 2, p.join('\n'));
    assert.deepEqual(await layerProblems('src-main/transports/electron-ipc/x.ts', code), []);
  });

  it('refuses default exports in the sources', async () => {
    const p = await allProblems('src-main/services/x/default.ts', 'const a = 1;\nexport default a;\n');
    assert.match(p.join('\n'), /no default exports/);
  });
});
