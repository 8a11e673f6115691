/**
 * electron-builder.yml, checked without building a package (Electron's binary cannot be downloaded here): it is valid
 * against electron-builder's own JSON schema (node_modules/app-builder-lib/scheme.json), it targets AppImage + deb,
 * dmg and nsis, and every file, icon and module it names exists: the allow-list takes the built main process,
 * preload, helper and renderer and nothing else of the repo; each native module is unpacked from the asar; the icons
 * are real PNG/ICO files at the sizes each target needs, made from assets/icon.png as it is now.
 */
import assert from 'node:assert/strict';
import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { decodePng, ICO_SIZES, LINUX_SIZES, scale } from '../../tools/make-icons.js';

const ROOT = join(__dirname, '..', '..');
/* eslint-disable @typescript-eslint/no-require-imports */
const yaml = require('js-yaml') as { load(text: string): unknown };
const { minimatch } = require('minimatch') as { minimatch(path: string, pattern: string, o?: { dot?: boolean }): boolean };
type Validate = ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };
const Ajv = (require('ajv') as { default: new (o: object) => { compile(schema: unknown): Validate } }).default;
/* eslint-enable @typescript-eslint/no-require-imports */

interface Config {
  files: string[];
  asarUnpack: string[];
  extraResources: { from: string; to: string }[];
  linux: { icon: string; target: string[]; category: string };
  mac: { icon: string; target: string[]; category: string };
  win: { icon: string; target: string[] };
  deb: { depends: string[]; fpm: string[] };
  appId: string;
  productName: string;
}

const config = yaml.load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as Config;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string };

/** Every file under a folder, relative to the repo root (node_modules and .git left out). */
function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === '.git') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else out.push(relative(ROOT, path));
  }
  return out;
}

/** True when the allow-list takes a repo file (positive patterns in, then `!` patterns out, as electron-builder). */
function packaged(file: string): boolean {
  let taken = false;
  for (const pattern of config.files) {
    if (pattern.startsWith('!')) {
      if (minimatch(file, pattern.slice(1), { dot: true })) taken = false;
    } else if (minimatch(file, pattern, { dot: true })) taken = true;
  }
  return taken;
}

/** Width and height from a PNG's IHDR. */
function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(join(ROOT, file));
  assert.equal(b.toString('latin1', 12, 16), 'IHDR', `${file} is a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** Every .node file under a folder. */
function nativeFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.node')) found.push(join(entry.parentPath, entry.name));
  }
  return found;
}

describe('electron-builder.yml', () => {
  it("is valid against electron-builder's own schema (app-builder-lib/scheme.json)", () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8')) as unknown;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const ok = validate(config);
    assert.ok(ok, (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message}`).join('\n'));
    // and the validator does refuse a wrong one (the check can fail)
    assert.equal(validate({ ...config, linux: { ...config.linux, target: 42 } }), false);
    assert.equal(validate({ ...config, notAnOption: true }), false);
  });

  it('targets Linux AppImage + deb, macOS dmg, Windows nsis, with app id, product name and categories', () => {
    assert.deepEqual(config.linux.target, ['AppImage', 'deb']);
    assert.deepEqual(config.mac.target, ['dmg']);
    assert.deepEqual(config.win.target, ['nsis']);
    assert.equal(config.appId, 'fr.liglab.walt.bench');
    assert.equal(config.productName, 'walt-bench');
    assert.equal(config.linux.category, 'Utility');
    assert.match(config.mac.category, /^public\.app-category\./);
  });

  it('the files allow-list takes the main entry, preload, helper, CLI and renderer, and no source, test or map', () => {
    assert.ok(existsSync(join(ROOT, pkg.main)), `${pkg.main} is built (npm run build)`);
    const must = [pkg.main, 'package.json', 'dist/main/transports/electron-ipc/preload.js', 'dist/main/transports/helper/helper-main.js', 'dist/main/cli/main.js', 'dist/renderer/index.html', 'assets/catalog.json', 'assets/icon.png'];
    for (const file of must) {
      assert.ok(existsSync(join(ROOT, file)), `${file} exists`);
      assert.ok(packaged(file), `${file} is packaged`);
    }
    const files = walk(ROOT);
    const taken = files.filter(packaged);
    for (const file of taken) assert.doesNotMatch(file, /^(src-main|src-renderer|test|tools|scripts|release)\/|\.map$|\.ts$/, `${file} should not be packaged`);
    for (const pattern of config.files.filter((p) => !p.startsWith('!'))) {
      assert.ok(files.some((f) => minimatch(f, pattern, { dot: true })), `files pattern ${pattern} matches a file`);
    }
  });

  it('every native module is unpacked from the asar, and every module named is installed with a native binary', () => {
    const named = config.asarUnpack.filter((p) => p.startsWith('node_modules/')).map((p) => p.replace(/^node_modules\//, '').replace(/\/\*\*$/, ''));
    for (const name of ['@serialport/bindings-cpp', 'drivelist', '@ronomon/direct-io', 'mountutils', 'xxhash-addon', 'lzma-native']) {
      assert.ok(named.includes(name), `${name} is in asarUnpack`);
    }
    for (const name of named) {
      const dir = join(ROOT, 'node_modules', name);
      assert.ok(existsSync(join(dir, 'package.json')), `asarUnpack names ${name}: it is installed`);
      assert.ok(nativeFiles(dir).length > 0, `${name} has a native .node binary`);
    }
    assert.ok(config.asarUnpack.includes('**/*.node'), 'any other .node file is unpacked too');
  });

  it('icons: Linux PNGs at every hicolor size, a 512 PNG for the dmg, a Windows ICO with a 256 entry; made from assets/icon.png as it is', () => {
    const dir = config.linux.icon;
    for (const size of LINUX_SIZES) assert.deepEqual(pngSize(`${dir}/${size}x${size}.png`), { width: size, height: size });
    assert.deepEqual(pngSize(config.mac.icon), { width: 512, height: 512 });
    const ico = readFileSync(join(ROOT, config.win.icon));
    assert.equal(ico.readUInt16LE(2), 1, 'an icon resource');
    const sizes = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => ico[6 + i * 16] || 256);
    assert.deepEqual(sizes, ICO_SIZES);
    // the generated sizes are up to date with the source icon (node --import tsx tools/make-icons.ts remakes them)
    const source = decodePng(readFileSync(join(ROOT, 'assets', 'icon.png')));
    assert.deepEqual(decodePng(readFileSync(join(ROOT, dir, '32x32.png'))).data, scale(source, 32).data);
  });

  it('extra resources, the polkit launcher and policy exist; the deb depends on pkexec and udev', () => {
    for (const r of config.extraResources) assert.ok(statSync(join(ROOT, r.from)).isDirectory(), `${r.from} exists`);
    accessSync(join(ROOT, 'assets', 'polkit', 'walt-bench-helper'), constants.X_OK);
    for (const mapping of config.deb.fpm) {
      const [from, to] = mapping.split('=');
      assert.ok(existsSync(join(ROOT, from!)), `${from} exists`);
      assert.match(to!, /^\/usr\/share\/polkit-1\/actions\//);
    }
    assert.ok(config.deb.depends.some((d) => /\bpkexec\b/.test(d)));
    assert.ok(config.deb.depends.includes('udev'));
    assert.ok(config.deb.depends.includes('libnss3'), "Electron's own libraries are kept (depends replaces the defaults)");
  });
});
