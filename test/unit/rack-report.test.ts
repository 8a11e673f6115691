import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHECK_IDS } from '../../src-main/core/check/boot-check.js';
import { rackCsv, rackHtml, rackJson, reportFormatOf } from '../../src-main/core/check/rack-report.js';
import type { RackBoard } from '../../src-main/core/check/rack-types.js';

/** A board row with all five checks in one state. */
function board(mac: string, verdict: RackBoard['verdict'], over: Partial<RackBoard> = {}): RackBoard {
  return {
    mac, verdict, model: 'rpi-3-b', modelSent: 'rpi-3-b', kind: 'walt', vci: 'walt.node.rpi-3-b', uci: null, ip: '192.168.152.10',
    files: [{ name: 'start.uboot', result: 'complete', bytes: 1234 }],
    checks: CHECK_IDS.map((id) => ({ id, title: id, state: verdict === 'pass' ? 'ok' : 'failed', evidence: null, at: null })),
    diagnosis: verdict === 'fail' ? 'sent walt.node.rpi-4-b, expected rpi-3-b' : null, attempts: 1, port: null, firstSeenMs: 0, lastChangeMs: 0, ...over,
  };
}

const meta = { who: 'tech@desk<1>', whenIso: '2026-12-03T11:00:00Z', iface: 'eth1' };
const boards = [
  board('b8:27:eb:00:00:01', 'pass'),
  board('52:54:00:00:00:02', 'fail', { kind: 'other', vci: '<script>alert(1)</script>', modelSent: null, attempts: 2 }),
  board('00:11:22:00:00:03', 'fail', { vci: '=HYPERLINK("x")', modelSent: null }),
];

test('reportFormatOf reads the extension, null for others', () => {
  assert.equal(reportFormatOf('/tmp/r.HTML'), 'html');
  assert.equal(reportFormatOf('r.csv'), 'csv');
  assert.equal(reportFormatOf('r.json'), 'json');
  assert.equal(reportFormatOf('r.txt'), null);
  assert.equal(reportFormatOf('report'), null);
});

test('CSV: header, one row per board, RFC 4180 quoting, formula cells neutralised', () => {
  const lines = rackCsv(boards).split('\r\n');
  assert.equal(lines[0], 'mac,vendor,model_expected,model_sent,vci,ip,files,dhcp,identity,fetch,transfer,run,attempts,verdict,diagnosis');
  assert.equal(lines.length, 5);
  assert.match(lines[1] ?? '', /^b8:27:eb:00:00:01,Raspberry Pi,rpi-3-b,rpi-3-b,walt\.node\.rpi-3-b,192\.168\.152\.10,"start\.uboot \(complete, 1234 B\)",ok,ok,ok,ok,ok,1,pass,$/);
  assert.match(lines[2] ?? '', /,2,fail,"sent walt\.node\.rpi-4-b, expected rpi-3-b"$/);
  assert.ok((lines[3] ?? '').includes(`"'=HYPERLINK(""x"")"`), lines[3]);
});

test('JSON: meta, summary and the vendor per board', () => {
  const doc = JSON.parse(rackJson(boards, meta)) as { who: string; passed: number; total: number; boards: { mac: string; vendor: string | null; attempts: number }[] };
  assert.equal(doc.who, 'tech@desk<1>');
  assert.equal(doc.passed, 1);
  assert.equal(doc.total, 3);
  assert.deepEqual(doc.boards.map((b) => b.vendor), ['Raspberry Pi', 'QEMU/KVM', null]);
  assert.equal(doc.boards[1]?.attempts, 2);
});

test('HTML: self-contained, summary, every board, hostile text escaped, no script', () => {
  const html = rackHtml(boards, meta);
  assert.match(html, /^<!DOCTYPE html>/);
  assert.ok(html.includes('<strong>1 of 3 passed</strong>'));
  assert.ok(html.includes('tech@desk&lt;1&gt;'));
  assert.ok(html.includes('2026-12-03T11:00:00Z') && html.includes('eth1'));
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<link|src=/i);
  for (const b of boards) assert.ok(html.includes(b.mac));
  assert.ok(html.includes('Raspberry Pi') && html.includes('QEMU/KVM'));
  assert.ok(html.includes('transfer: ok') && html.includes('run: failed'));
  assert.ok(html.includes('sent walt.node.rpi-4-b, expected rpi-3-b'));
  assert.match(html, /<td>2<\/td><td class="fail">FAIL/);
});
