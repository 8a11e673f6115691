/**
 * A disk image still inflating is written to a real (zram) card as its bytes arrive: the first bytes land on the card
 * before the stream ends, the card's own partition tables are cleared first and the image's written only once the
 * stream has been checked, and a stream that fails leaves the card with none. The image's arrival is driven by the
 * test (a GrowingImage fed in steps), so the order is observed, never timed. End to end, a corrupt small .gz fails its card through flash.start with its cause.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Drive } from '../../src-main/core/drives/drive.js';
import { writeCard } from '../../src-main/services/flash/card-writer.js';
import { GrowingImage } from '../../src-main/services/flash/growing-image.js';
import { nextEvent, startTestBackend, type TestBackend } from '../support/backend.js';
import { checkPcUsbCard, PC_USB_PARTS, readAt } from '../support/media-check.js';
import { makePcUsbImage } from '../support/pc-usb-image.js';
import { createZramCard, fillWithGarbage, sectorsWritten, type ZramCard, zramAvailable } from '../support/zram.js';

const MiB = 1 << 20;
const CARD = 32 * MiB;
const skip = zramAvailable() ? false : 'needs root and zram';



/** Resolves once `test` holds, checking every few milliseconds (a failure after `ms`). */
async function until(test: () => boolean, what: string, ms = 10000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`still not: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('a card written from an image still inflating', { skip }, () => {
  let t: TestBackend;
  let card: ZramCard;
  let img: string;
  let image: Buffer;
  let drive: Drive;

  before(async () => {
    t = await startTestBackend();
    img = makePcUsbImage(t.dir);
    image = readFileSync(img);
    card = createZramCard(CARD);
    drive = {
      device: card.device,
      devicePath: null,
      description: 'zram test card',
      size: CARD,
      serial: null,
      busType: 'VIRTUAL',
      isReadOnly: false,
      isRemovable: true,
      isSystem: false,
      isVirtual: true,
      isUSB: false,
      isCard: true,
      mountpoints: [],
    };
  });
  after(async () => {
    await t.close();
    card.remove();
  });

  /**
   * The sectors of partition tables on `path`: the image's (primary GPT, LBA 0-33; backup GPT, its last 33 sectors)
   * and the card's own backup GPT (its last 33 sectors).
   */
  function tables(path: string): Buffer {
    return Buffer.concat([readAt(path, 0, 34 * 512), readAt(path, image.length - 33 * 512, 33 * 512), readAt(path, CARD - 33 * 512, 33 * 512)]);
  }
  const noTables = (path: string): boolean => tables(path).every((b) => b === 0);

  /** Starts a card from a GrowingImage holding the image's first `first` bytes; the events of its write, in order. */
  function start(first: number) {
    const growing = new GrowingImage(Buffer.alloc(image.length), image.length);
    image.copy(growing.data, 0, 0, first);
    growing.grow(first);
    const events: string[] = [];
    const abort = new AbortController();
    const writing = writeCard({
      rawPath: img,
      size: image.length,
      growing,
      data: growing.data,
      drive,
      verify: true,
      signal: abort.signal,
      onProgress: (phase) => {
        if (events.at(-1) !== phase) events.push(phase);
      },
    });
    writing.catch(() => undefined);
    return { growing, writing, events, abort };
  }

  it('writes the bytes arrived before the stream ends, the partition tables last: a good card', async () => {
    fillWithGarbage(card);
    const before = sectorsWritten(card);
    // The tables, the EFI FAT and the BIOS boot partition have arrived; the ext4 at 16 MiB has not.
    const { growing, writing, events } = start(15 * MiB);
    await until(() => sectorsWritten(card) > before, 'the card saw a write while the image was still inflating');
    // Written already: the BIOS boot partition (14-15 MiB, all arrived); not yet: the partition tables.
    const { offset, bytes } = PC_USB_PARTS.bios;
    try {
      await until(() => events.length > 0 && readAt(card.device, offset, bytes).equals(image.subarray(offset, offset + bytes)), 'the BIOS boot partition on the card');
      assert.equal(growing.finished, false);
      assert.deepEqual(events, ['write']);
      assert.ok(noTables(card.device), "the card's stale tables were not cleared first, or the image's were written before the stream ended");
    } finally {
      // Whatever failed above, the writer gets the rest of the image and lets go of the card.
      image.copy(growing.data, 15 * MiB, 15 * MiB);
      growing.grow(image.length);
      growing.finish();
    }
    const outcome = await writing;
    assert.equal(outcome.verified, true);
    assert.ok(outcome.bytes < image.length, `${outcome.bytes} bytes: a sparse write`);
    assert.deepEqual(events, ['write', 'verify']);
    assert.deepEqual(checkPcUsbCard(card.device, img), []);
  });

  it('a stream that fails mid-way fails the card with its cause, and leaves it without its partition tables', async () => {
    fillWithGarbage(card);
    const before = sectorsWritten(card);
    const { growing, writing } = start(15 * MiB);
    await until(() => sectorsWritten(card) > before, 'the card saw a write').finally(() => growing.fail({ message: 'pc-usb.dd.gz is corrupt: gzip decoding failed by compressed offset 1234 of 4000000 (invalid distance)', hint: 'download it again (and check its sha256); nothing was written to any card' }));
    await assert.rejects(writing, (e: Error & { hint?: string }) => {
      assert.match(e.message, /pc-usb\.dd\.gz is corrupt: .*offset 1234/);
      assert.match(String(e.hint), /without a partition table/);
      return true;
    });
    assert.ok(noTables(card.device), 'the card is left with a partition table (its stale one, or the image\'s)');
  });

  it('a card cancelled while its source stalls stops at once, without its partition tables', { timeout: 10000 }, async () => {
    fillWithGarbage(card);
    const before = sectorsWritten(card);
    const { growing, writing, abort } = start(15 * MiB);
    try {
      // Everything arrived is on the card (the BIOS boot partition is its last range): the writer waits for bytes.
      const { offset, bytes } = PC_USB_PARTS.bios;
      await until(() => sectorsWritten(card) > before && readAt(card.device, offset, bytes).equals(image.subarray(offset, offset + bytes)), 'the arrived bytes on the card');
      await new Promise((r) => setTimeout(r, 50));
      abort.abort(); // no more bytes come: only the cancellation can wake the writer
      await assert.rejects(writing, (e: Error) => e.name === 'CancelledError' || /cancel/i.test(e.message));
      assert.equal(growing.finished, false);
      assert.ok(noTables(card.device), 'the card is left with a partition table (its stale one, or the image\'s)');
    } finally {
      growing.finish();
    }
  });

  it('flash.start with a corrupt small .gz: the card fails naming the file and the offset, and is left with no partition table', async () => {
    fillWithGarbage(card);
    execFileSync('gzip', ['-k', '-f', img]);
    const gz = readFileSync(`${img}.gz`);
    gz.writeUInt32LE((gz.readUInt32LE(gz.length - 8) ^ 1) >>> 0, gz.length - 8); // the trailer's CRC-32
    const bad = `${t.dir}/bad-crc.dd.gz`;
    writeFileSync(bad, gz);
    const drives = await t.api.call('drives.list', {});
    const d = drives.find((x) => x.device === card.device)!;
    const done = nextEvent(t.api, 'flash.done', undefined, 60000);
    await t.api.call('flash.start', { image: bad, drives: [{ device: d.device, size: d.size, description: d.description, serial: d.serial }], verify: true });
    const [r] = (await done).results;
    assert.equal(r!.ok, false);
    assert.match(String(r!.error), /bad-crc\.dd\.gz is corrupt: the CRC-32 in its gzip trailer at offset \d+/);
    assert.ok(noTables(card.device), 'the card is left with a partition table (its stale one, or the image\'s)');
    // from now on the file is refused before any card, with the same cause
    await assert.rejects(t.api.call('image.inspect', { path: bad }), /bad-crc\.dd\.gz is corrupt: the CRC-32 in its gzip trailer/);
  });

  it('a card started from a stream that has failed already is never touched', async () => {
    fillWithGarbage(card);
    const whole = readAt(card.device, 0, CARD);
    const failed = new GrowingImage(Buffer.alloc(image.length), image.length);
    image.copy(failed.data, 0, 0, 2 * MiB);
    failed.grow(2 * MiB);
    failed.fail({ message: 'pc-usb.dd.gz is corrupt: gzip decoding failed by compressed offset 7 of 4000000 (invalid distance)', hint: 'download it again; nothing was written to any card' });
    const late = writeCard({ rawPath: img, size: image.length, growing: failed, data: failed.data, drive, verify: true, signal: new AbortController().signal, onProgress: () => undefined });
    await assert.rejects(late, /offset 7/);
    assert.ok(readAt(card.device, 0, CARD).equals(whole), 'the card was written');
  });

  it('a .gz of two members (its trailer gives the last one\'s size): its streamed cards fail asking for a new flash, which checks it whole and writes a good card; later processes never stream it', async () => {
    fillWithGarbage(card);
    const first = `${t.dir}/part1`;
    const rest = `${t.dir}/part2`;
    writeFileSync(first, image.subarray(0, MiB));
    writeFileSync(rest, image.subarray(MiB));
    execFileSync('gzip', ['-f', first, rest]);
    const two = `${t.dir}/two-members.dd.gz`;
    writeFileSync(two, Buffer.concat([readFileSync(`${first}.gz`), readFileSync(`${rest}.gz`)]));
    const drives = await t.api.call('drives.list', {});
    const d = drives.find((x) => x.device === card.device)!;
    const id = { device: d.device, size: d.size, description: d.description, serial: d.serial };
    let done = nextEvent(t.api, 'flash.done', undefined, 60000);
    await t.api.call('flash.start', { image: two, drives: [id], verify: true });
    let [r] = (await done).results;
    if (r!.ok) {
      // the inflation passed the trailer's size before the card started: the session was checked whole at once
      assert.deepEqual(checkPcUsbCard(card.device, img), []);
    } else {
      assert.match(String(r!.error), /two-members\.dd\.gz inflates past the \d+ bytes its gzip trailer gives/);
      assert.match(String(r!.error), /flash it again|several members/);
      fillWithGarbage(card);
      done = nextEvent(t.api, 'flash.done', undefined, 60000);
      await t.api.call('flash.start', { image: two, drives: [id], verify: true });
      [r] = (await done).results;
      assert.equal(r!.ok, true, String(r!.error));
      assert.deepEqual(checkPcUsbCard(card.device, img), []);
    }
    const marks = readdirSync(join(t.dir, 'home', 'cache')).filter((f) => f.startsWith('whole-only-'));
    assert.equal(marks.length, 1, 'the file is marked to be checked whole in the cache folder');
  });
});
