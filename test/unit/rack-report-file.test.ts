import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ApiClient } from '../../src-main/api/contract.js';
import { CHECK_IDS } from '../../src-main/core/check/boot-check.js';
import type { RackBoard } from '../../src-main/core/check/rack-types.js';
import { checkRackCommand } from '../../src-main/cli/commands/check-rack.js';
import { checkReportOutput, reportWho, writeRackReport } from '../../src-main/services/check/rack-report-file.js';

const boards: RackBoard[] = [{
  mac: 'dc:a6:32:00:00:01', verdict: 'pass', model: 'rpi-4-b', modelSent: 'rpi-4-b', kind: 'walt', vci: 'walt.node.rpi-4-b', uci: null,
  ip: '192.168.152.11', files: [{ name: 'start.uboot', result: 'complete', bytes: 99 }],
  checks: CHECK_IDS.map((id) => ({ id, title: id, state: 'ok' as const, evidence: null, at: 1 })), diagnosis: null, attempts: 1, port: null, firstSeenMs: 0, lastChangeMs: 1,
}];

test('writeRackReport writes the HTML report in place (no .part left); an existing file is kept without overwrite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'report-'));
  try {
    const file = join(dir, 'rack.html');
    await writeRackReport(checkReportOutput(file, false), 'html', boards, { who: reportWho(), whenIso: '2026-12-03T11:00:00Z', iface: 'eth1' });
    const html = await readFile(file, 'utf8');
    assert.ok(html.includes('1 of 1 passed') && html.includes('dc:a6:32:00:00:01') && html.includes('Raspberry Pi'));
    assert.match(html, /By [^<]+@[^<]+, 2026-12-03T11:00:00Z, on eth1/);
    assert.deepEqual(await readdir(dir), ['rack.html']);
    assert.throws(() => checkReportOutput(file, false), /exists/);
    await writeRackReport(checkReportOutput(file, true), 'csv', boards, { who: 'a@b', whenIso: 'now', iface: 'eth1' });
    assert.match(await readFile(file, 'utf8'), /^mac,vendor,/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('check --all --report with an unknown extension is a usage error naming the formats, before any API call', async () => {
  const api = new Proxy({}, { get: () => { throw new Error('API used'); } }) as ApiClient;
  await assert.rejects(checkRackCommand(api, ['--iface', 'eth1', '--all', '--report', 'rack.txt']), /\.csv, \.json, \.html/);
  const dir = await mkdtemp(join(tmpdir(), 'report-'));
  try {
    await writeFile(join(dir, 'old.json'), '{}');
    await assert.rejects(checkRackCommand(api, ['--iface', 'eth1', '--all', '--report', join(dir, 'old.json')]), /exists/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
