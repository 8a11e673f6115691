import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type JournalRecord, journalToCsv, parseJournal } from '../../../src-main/core/journal/record.js';

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
    const csv = journalToCsv([record(), record({ result: 'failed', error: '=HYPERLINK("x")', verified: false })]);
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(lines[0], 'time,device,size,description,serial,imageName,imageSha256,bytes,durationMs,averageSpeed,verified,result,error');
    assert.match(lines[1]!, /"Generic, ""USB"" reader"/);
    assert.match(lines[2]!, /,failed,"'=HYPERLINK\(""x""\)"$/);
  });

  it('keeps every whole record around a torn or corrupt line', () => {
    const text = [JSON.stringify(record()), '{"time":"2026', JSON.stringify(record({ device: '/dev/sdc' })), '{"torn'].join('\n');
    const { records, skipped } = parseJournal(text);
    assert.deepEqual(records.map((r) => r.device), ['/dev/sdb', '/dev/sdc']);
    assert.deepEqual(skipped, [2, 4]);
  });
});
