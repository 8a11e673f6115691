import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiError } from '../../../../src-main/api/errors.js';
import type { CardResult } from '../../../../src-main/core/flash/progress.js';
import type { Drive } from '../../../../src-main/core/drives/drive.js';
import type { JournalLine } from '../../../../src-main/core/journal/record.js';
import type { CardJob, CardOutcome } from '../../../../src-main/services/flash/card-device.js';
import { CancelledError } from '../../../../src-main/services/flash/errors.js';
import { FlashService } from '../../../../src-main/services/flash/flash-service.js';
import { fakeDrive } from '../../../support/drives.js';

const MiB = 1 << 20;
const drive: Drive = fakeDrive({ device: '/dev/sdq', description: 'fake reader', size: 64 * MiB, serial: 'S1' });
const identity = { device: drive.device, size: drive.size, description: drive.description, serial: drive.serial };

/** A flash service on fakes: a journal that records the lines (and what the writer had done at each). */
function service(dir: string, writeCard: (job: CardJob) => Promise<CardOutcome>, append?: (line: JournalLine) => void) {
  const lines: { line: JournalLine; writerCalls: number }[] = [];
  let writerCalls = 0;
  const done: CardResult[] = [];
  let settled: () => void = () => undefined;
  const finished = new Promise<void>((r) => (settled = r));
  const flash = new FlashService({
    watcher: { refresh: async () => [drive], recent: async () => [drive] },
    journal: { append: append ?? ((line) => void lines.push({ line, writerCalls })), self: () => 'token-of-this-process' },
    cacheDir: join(dir, 'cache'),
    includeVirtual: () => true,
    writeCard: (job) => {
      writerCalls += 1;
      return writeCard(job);
    },
    onProgress: () => undefined,
    onCardDone: (_s, r) => void done.push(r),
    onSessionDone: () => settled(),
  });
  return { flash, lines, done, finished, writerCalls: () => writerCalls };
}

describe('the flash service journals every attempt', () => {
  let dir: string;
  let img: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'wb-flash-unit-'));
    img = join(dir, 'x.img');
    writeFileSync(img, Buffer.alloc(20 * MiB, 7));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a started line before the first byte, checkpoints, and a cancelled line with the bytes written', async () => {
    const s = service(dir, async (job) => {
      for (let b = 4 * MiB; b <= 12 * MiB; b += 4 * MiB) job.onProgress('write', b, job.size);
      job.signal.throwIfAborted();
      await new Promise((r) => job.signal.addEventListener('abort', r, { once: true }));
      throw new CancelledError();
    });
    const session = await s.flash.start({ image: img, drives: [identity], verify: true, confirmLarge: false });
    await new Promise((r) => setTimeout(r, 20));
    s.flash.cancel(session.sessionId);
    await s.finished;
    const [first, ...rest] = s.lines;
    assert.equal(first!.line.result, 'started');
    assert.equal(first!.writerCalls, 0, 'journaled before the writer was called');
    assert.deepEqual((first!.line as { process: string }).process, 'token-of-this-process');
    const attempt = (first!.line as { attempt: string }).attempt;
    assert.ok(rest.every((l) => (l.line as { attempt?: string }).attempt === attempt));
    assert.deepEqual(rest.filter((l) => l.line.result === 'progress').map((l) => (l.line as { bytes: number }).bytes), [4 * MiB, 8 * MiB, 12 * MiB]);
    const last = rest.at(-1)!.line as { result: string; bytes: number; error: string };
    assert.deepEqual([last.result, last.bytes, last.error], ['cancelled', 12 * MiB, 'cancelled by the technician']);
    assert.deepEqual([s.done[0]!.cancelled, s.done[0]!.bytes], [true, 12 * MiB]);
  });

  it('a card whose started line cannot be journaled is not written, and says why', async () => {
    const s = service(
      dir,
      async () => ({ bytes: 1, verified: false }),
      () => {
        throw new ApiError('refused', '/home/t/.walt-bench/journal.jsonl is a symbolic link: walt-bench never writes its journal through a link');
      },
    );
    await s.flash.start({ image: img, drives: [identity], verify: true, confirmLarge: false });
    await s.finished;
    assert.equal(s.writerCalls(), 0);
    assert.equal(s.done[0]!.ok, false);
    assert.match(s.done[0]!.error!, /journal\.jsonl is a symbolic link/);
  });

  it('a failed card records the bytes it had written', async () => {
    const s = service(dir, async (job) => {
      job.onProgress('write', 6 * MiB, job.size);
      throw new ApiError('io-error', '/dev/sdq: I/O error at offset 6291456');
    });
    await s.flash.start({ image: img, drives: [identity], verify: true, confirmLarge: false });
    await s.finished;
    const last = s.lines.at(-1)!.line as { result: string; bytes: number };
    assert.deepEqual([last.result, last.bytes], ['failed', 6 * MiB]);
  });

  it('shutdown cancels the cards being written and waits until they are journaled', async () => {
    const s = service(dir, async (job) => {
      job.onProgress('write', 2 * MiB, job.size);
      await new Promise((r) => job.signal.addEventListener('abort', r, { once: true }));
      throw new CancelledError();
    });
    await s.flash.start({ image: img, drives: [identity], verify: true, confirmLarge: false });
    await new Promise((r) => setTimeout(r, 20));
    await s.flash.shutdown();
    assert.equal(s.lines.at(-1)!.line.result, 'cancelled');
  });
});
