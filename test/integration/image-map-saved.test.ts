/**
 * The allocation map of a raw image file kept in the state folder for the next card: reused while the file is the
 * same (size, modification time, inode), read again once it changed, never through a link planted in its place.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { mapImageFile, mapImageFileSaved } from '../../src-main/services/flash/image-map.js';
import { makePcUsbImage } from '../support/pc-usb-image.js';

const dir = mkdtempSync(join(tmpdir(), 'wb-map-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a saved map is reused while the image is unchanged, and read again once it changed or its file is a link', () => {
  const img = makePcUsbImage(dir);
  const state = join(dir, 'state');
  rmSync(state, { recursive: true, force: true });
  const real = mapImageFile(img);
  mkdirSync(state);
  assert.deepEqual(mapImageFileSaved(img, state), real);
  const [saved] = readdirSync(state);
  assert.match(saved!, /^map-[0-9a-f]{24}\.json$/);
  // mark the saved copy: a second card of the same image gets it without reading the image
  const file = join(state, saved!);
  const marked = JSON.parse(readFileSync(file, 'utf8')) as { map: { bytes: number } };
  marked.map.bytes = 12345;
  writeFileSync(file, JSON.stringify(marked));
  assert.equal(mapImageFileSaved(img, state).bytes, 12345, 'the saved map is used');
  // the image changed (its modification time): read again, and saved again
  utimesSync(img, new Date(), new Date(Date.now() + 5000));
  assert.deepEqual(mapImageFileSaved(img, state), real);
  assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { map: { bytes: number } }).map.bytes, real.bytes);
  // a link in place of the saved map is never followed
  const planted = join(dir, 'planted.json');
  writeFileSync(planted, readFileSync(file, 'utf8').replace(`"bytes":${real.bytes}`, '"bytes":777'));
  rmSync(file);
  symlinkSync(planted, file);
  assert.equal(mapImageFileSaved(img, state).bytes, real.bytes);
});
