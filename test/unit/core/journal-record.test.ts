import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INTERRUPTED, type JournalLine, type JournalRecord, journalToCsv, mergeJournal, parseJournal, parseJournalLines } from '../../../src-main/core/journal/record.js';

const record = (over: Partial<JournalRecord> = {}): JournalRecord => ({
  time: '2026-11-22T10:00:00.000Z',
  device: '/dev/sdb',
  size: 32e9,
  description: 'Generic, "USB" reader',
  serial: null,
  imageName: 'pc-usb.dd.gz',
  imageSha256: 'ab'.repeat(32),
  bytes: 26214400,
  durationMs: 2000,
  averageSpeed: 13107200,
  verified: true,
  result: 'ok',
  error: null,
  ...over,
});

describe('journal records', () => {
  it('exports CSV with a header, quoting and formula neutralising', () => {
    const csv = journalToCsv([record(), record({ result: 'failed', error: '=HYPERLINK("x")', verified: false, mode: 'sparse' })]);
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(lines[0], 'time,device,size,description,serial,imageName,imageSha256,bytes,durationMs,averageSpeed,verified,result,error,mode');
    assert.match(lines[1]!, /"Generic, ""USB"" reader"/);
    assert.match(lines[1]!, /,ok,,$/, 'a record from before sparse writes has an empty mode');
    assert.match(lines[2]!, /,failed,"'=HYPERLINK\(""x""\)",sparse$/);
  });

  it('keeps every whole record around a torn or corrupt line', () => {
    const text = [JSON.stringify(record()), '{"time":"2026', JSON.stringify(record({ device: '/dev/sdc' })), '{"torn'].join('\n');
    const { records, skipped } = parseJournal(text);
    assert.deepEqual(records.map((r) => r.device), ['/dev/sdb', '/dev/sdc']);
    assert.deepEqual(skipped, [2, 4]);
  });
});

describe('journal attempts: started, progress and finished lines merged', () => {
  const started = (attempt: string, over: Partial<JournalRecord> = {}): JournalLine => ({
    ...record({ bytes: 0, durationMs: 0, averageSpeed: 0, verified: false, imageSha256: null, ...over }),
    attempt,
    result: 'started',
    process: `boot/${attempt}`,
  });
  const progress = (attempt: string, bytes: number): JournalLine => ({ attempt, result: 'progress', bytes, durationMs: 1000, averageSpeed: bytes, imageSha256: 'cd'.repeat(32) });
  const finished = (attempt: string, over: Partial<JournalRecord> = {}): JournalLine => ({ ...record(over), attempt, result: 'ok', ...over } as JournalLine);

  it('a finished line completes its started line, in the place the attempt started', () => {
    const lines = [started('a'), started('b', { device: '/dev/sdc' }), progress('a', 5), finished('b', { device: '/dev/sdc' }), finished('a', { bytes: 99 })];
    const records = mergeJournal(lines, () => false);
    assert.deepEqual(records.map((r) => [r.device, r.result, r.bytes]), [['/dev/sdb', 'ok', 99], ['/dev/sdc', 'ok', 26214400]]);
  });

  it('a started attempt with no finished line is interrupted, with the bytes and hash of its last checkpoint', () => {
    const records = mergeJournal([started('a'), progress('a', 4 << 20), progress('a', 8 << 20)], () => false);
    assert.equal(records.length, 1);
    assert.deepEqual([records[0]!.result, records[0]!.bytes, records[0]!.imageSha256], ['interrupted', 8 << 20, 'cd'.repeat(32)]);
    assert.equal(records[0]!.error, INTERRUPTED);
  });

  it('an unfinished attempt whose process still runs is in progress, not interrupted', () => {
    const records = mergeJournal([started('live'), started('dead', { device: '/dev/sdc' })], (p) => p === 'boot/live');
    assert.deepEqual(records.map((r) => [r.device, r.result, r.error]), [['/dev/sdb', 'in-progress', null], ['/dev/sdc', 'interrupted', INTERRUPTED]]);
  });

  it('keeps old whole records, finished lines whose started line was lost, and ignores stray checkpoints', () => {
    const records = mergeJournal([record() as JournalLine, progress('ghost', 7), finished('lost', { device: '/dev/sdd', result: 'cancelled' })], () => true);
    assert.deepEqual(records.map((r) => [r.device, r.result]), [['/dev/sdb', 'ok'], ['/dev/sdd', 'cancelled']]);
  });

  it('recovers a whole line appended onto a torn one, and counts the torn line', () => {
    const whole = JSON.stringify(record({ device: '/dev/sde' }));
    const { records, skipped } = parseJournal(`${JSON.stringify(record())}\n{"time":"2026-12${whole}\n`);
    assert.deepEqual(records.map((r) => r.device), ['/dev/sdb', '/dev/sde']);
    assert.deepEqual(skipped, [2]);
  });

  it('parses a journal of attempt lines into one record per attempt', () => {
    const text = [started('a'), progress('a', 3), finished('a', { bytes: 3, result: 'cancelled' })].map((l) => JSON.stringify(l)).join('\n');
    const { lines } = parseJournalLines(text);
    assert.equal(lines.length, 3);
    assert.deepEqual(parseJournal(text).records.map((r) => [r.result, r.bytes]), [['cancelled', 3]]);
  });
});
