/**
 * walt-bench's layer rules, as one local ESLint plugin (`layers`). The folder a file lives in says where it runs:
 * - src-main/core/**: pure TypeScript. No Node built-ins, no npm package but zod, nothing from services, transports,
 *   electron or cli, and no ambient I/O globals (process, timers, fetch, require, Buffer...): inject them.
 * - src-renderer/**: a web page. No Node built-ins, no electron, and from src-main only the contract
 *   (api/contract, api/schemas, api/errors, api/listeners) and the pure core.
 * - Raw Electron IPC (ipcMain, ipcRenderer, webContents.send) only in src-main/transports/electron-ipc/ and
 *   src-main/electron/: everything else speaks the typed API.
 */
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is tools/eslint-rules/layers.mjs). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Globals a core file may not touch: I/O, the process, and timers that cannot be injected. */
export const CORE_BANNED_GLOBALS = new Set([
  'process',
  'require',
  'module',
  '__dirname',
  '__filename',
  'Buffer',
  'global',
  'setTimeout',
  'setInterval',
  'setImmediate',
  'clearTimeout',
  'clearInterval',
  'clearImmediate',
  'fetch',
  'XMLHttpRequest',
  'WebSocket',
]);

const GLOBAL_OBJECTS = new Set(['globalThis', 'global', 'window', 'self']);
const CORE_ALLOWED_PACKAGES = new Set(['zod']);
const CORE_BANNED_DIRS = ['src-main/services/', 'src-main/transports/', 'src-main/electron/', 'src-main/cli/'];
const RENDERER_ALLOWED_MAIN = [
  /^src-main\/api\/(contract|schemas|errors|listeners)(\.[cm]?[jt]s)?$/,
  /^src-main\/core\//,
];
const IPC_DIRS = ['src-main/transports/electron-ipc/', 'src-main/electron/'];
const IPC_NAMES = new Set(['ipcMain', 'ipcRenderer']);

/** A file's path relative to the repository root, with forward slashes. */
function relativeToRoot(filename) {
  const abs = path.isAbsolute(filename) ? filename : path.resolve(repoRoot, filename);
  return path.relative(repoRoot, abs).split(path.sep).join('/');
}

/** The layer a file belongs to. */
function layerOf(rel) {
  if (rel.startsWith('src-main/core/')) return 'core';
  if (rel.startsWith('src-renderer/')) return 'renderer';
  return 'other';
}

/** The package name of a bare specifier (`@scope/name/x` -> `@scope/name`). */
function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Why an import is not allowed in a layer, or null. */
function importProblem(layer, fileRel, spec) {
  const builtin = spec.startsWith('node:') || isBuiltin(spec);
  const relative = spec.startsWith('.') || spec.startsWith('/');
  const target = relative ? relativeToRoot(path.resolve(repoRoot, path.dirname(fileRel), spec)) : null;
  if (layer === 'core') {
    if (builtin) return `core is pure: no Node built-in ("${spec}"); take the I/O as an argument`;
    if (target) {
      const dir = CORE_BANNED_DIRS.find((d) => target.startsWith(d));
      if (dir) return `core may not import from ${dir.slice(0, -1)} ("${spec}")`;
      if (!target.startsWith('src-main/')) return `core may not import outside src-main ("${spec}")`;
      return null;
    }
    if (!CORE_ALLOWED_PACKAGES.has(packageName(spec))) {
      return `core is pure: no npm package but zod ("${spec}"); put I/O in src-main/services`;
    }
    return null;
  }
  if (layer === 'renderer') {
    if (builtin) return `the renderer is a web page: no Node built-in ("${spec}")`;
    if (packageName(spec) === 'electron') return 'the renderer may not import electron: use the API client';
    if (target?.startsWith('src-main/')) {
      if (RENDERER_ALLOWED_MAIN.some((re) => re.test(target))) return null;
      return `the renderer may import from src-main only the API contract and core ("${spec}")`;
    }
  }
  return null;
}

/** The static string of an import source node, or null. */
function sourceString(node) {
  if (!node) return null;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0].value.cooked;
  return null;
}

/** Name of a member expression's property when it is static. */
function propertyName(member) {
  if (!member.computed && member.property.type === 'Identifier') return member.property.name;
  return sourceString(member.property);
}

const boundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'keeps each folder to what may run there (core pure, renderer without Node, IPC confined)' },
    schema: [],
    messages: { layer: '{{message}}' },
  },
  create(context) {
    const rel = relativeToRoot(context.filename);
    const layer = layerOf(rel);
    const ipcAllowed = IPC_DIRS.some((d) => rel.startsWith(d));
    const report = (node, message) => context.report({ node, messageId: 'layer', data: { message } });

    const checkSource = (node, sourceNode) => {
      const spec = sourceString(sourceNode);
      if (spec === null) {
        if (layer !== 'other') report(node, 'imports must be static strings here');
        return;
      }
      const problem = importProblem(layer, rel, spec);
      if (problem) report(node, problem);
    };

    return {
      ImportDeclaration(node) {
        checkSource(node, node.source);
        if (!ipcAllowed && node.source.value === 'electron') {
          for (const s of node.specifiers) {
            if (s.type === 'ImportSpecifier' && IPC_NAMES.has(s.imported.name ?? s.imported.value)) {
              report(s, `raw ${s.imported.name} only in src-main/transports/electron-ipc or src-main/electron`);
            }
          }
        }
      },
      ExportNamedDeclaration(node) {
        if (node.source) checkSource(node, node.source);
      },
      ExportAllDeclaration(node) {
        checkSource(node, node.source);
      },
      ImportExpression(node) {
        checkSource(node, node.source);
      },
      TSImportEqualsDeclaration(node) {
        if (node.moduleReference.type === 'TSExternalModuleReference') {
          checkSource(node, node.moduleReference.expression);
        }
      },
      TSImportType(node) {
        const arg = node.argument?.type === 'TSLiteralType' ? node.argument.literal : node.argument;
        checkSource(node, arg);
      },
      CallExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]) {
          checkSource(node, node.arguments[0]);
        }
        if (!ipcAllowed && node.callee.type === 'MemberExpression' && propertyName(node.callee) === 'send') {
          const obj = node.callee.object;
          const isWebContents =
            (obj.type === 'Identifier' && obj.name === 'webContents') ||
            (obj.type === 'MemberExpression' && propertyName(obj) === 'webContents');
          if (isWebContents) report(node, 'raw webContents.send only in src-main/transports/electron-ipc or src-main/electron');
        }
      },
      MemberExpression(node) {
        const name = propertyName(node);
        if (!ipcAllowed && IPC_NAMES.has(name)) {
          report(node, `raw ${name} only in src-main/transports/electron-ipc or src-main/electron`);
        }
        if (layer === 'core' && node.object.type === 'Identifier' && GLOBAL_OBJECTS.has(node.object.name)) {
          if (CORE_BANNED_GLOBALS.has(name)) report(node, `core may not use ${name}: inject it`);
        }
      },
      'Program:exit'(program) {
        if (layer !== 'core') return;
        const scope = context.sourceCode.getScope(program);
        // Unresolved references, plus references to globals the config declares (they have no definition).
        const refs = [...scope.through];
        for (const v of scope.variables) {
          if (v.defs.length === 0 && CORE_BANNED_GLOBALS.has(v.name)) refs.push(...v.references);
        }
        for (const ref of refs) {
          const name = ref.identifier.name;
          if (!CORE_BANNED_GLOBALS.has(name)) continue;
          if (ref.isTypeReference && !ref.isValueReference) continue;
          report(ref.identifier, `core may not use ${name}: inject it (a clock, a timer, a reader) from the services`);
        }
      },
    };
  },
};

/** The plugin: `layers/boundaries`. */
export const layersPlugin = {
  meta: { name: 'walt-bench-layers', version: '1.0.0' },
  rules: { boundaries },
};
