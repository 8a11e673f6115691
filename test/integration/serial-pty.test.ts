/**
 * The serial service on real ptys (socat): a transcript fed at 115200-like pacing gives its labelled verdict live,
 * with stage events and logs; typed input reaches the board in the chosen newline mode; the "adapter" unplugged
 * (socat killed) and plugged back is reopened within a second, keeping the log; a second program holding the
 * port is named; session logs are capped and rotated, and the rotated set is listed, read, searched and analyzed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventPayload } from '../../src-main/api/contract.js';
import { nextEvent, startTestBackend, type TestBackend } from '../support/backend.js';
import { createPtyCable, socatAvailable, type PtyCable } from '../support/socat.js';

const BOOTLOGS = join(__dirname, '..', '..', '..', 'shared', 'bootlogs');
const skip = !socatAvailable() ? 'needs socat' : false;
let tb: TestBackend;
let cable: PtyCable;

before(async () => {
  if (skip) return;
  tb = await startTestBackend();
  if (process.env.WB_DEBUG) tb.backend.dispatcher.subscribe((m) => m.event.startsWith('serial.s') && console.log(m.event, JSON.stringify(m.payload)));
  cable = await createPtyCable();
});
after(async () => {
  await tb?.close();
  await cable?.close();
});

/** Writes text as a board at ~11.5 KB/s (115200 8N1), in 64-byte bursts. */
async function feedPaced(c: PtyCable, data: Buffer): Promise<void> {
  for (let i = 0; i < data.length; i += 64) {
    c.write(data.subarray(i, i + 64));
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('a transcript at console pace: live stage events, the labelled verdict, raw and text logs', { skip, timeout: 60_000 }, async () => {
  const log = readFileSync(join(BOOTLOGS, '12-rpi3bplus-uboot-bootscr-dhcp-file-not-found-then-tftp-ok.log'));
  const session = await tb.api.call('serial.open', { path: cable.host, expect: 'rpi-3-b-plus' });
  assert.equal(session.state, 'open');
  assert.equal(session.settings.baudRate, 115200);
  assert.equal(session.settings.dataBits, 8);
  assert.equal(session.settings.parity, 'none');
  const boots: EventPayload<'serial.boot'>[] = [];
  let bytes = 0;
  const offBoot = tb.api.on('serial.boot', (p) => p.sessionId === session.sessionId && boots.push(p));
  const offData = tb.api.on('serial.data', (p) => {
    if (p.sessionId === session.sessionId) bytes += Buffer.from(p.data, 'base64').length;
  });
  const verdict = nextEvent(tb.api, 'serial.verdict', (p) => p.sessionId === session.sessionId, 30_000);
  await feedPaced(cable, log);
  const v = (await verdict).verdict;
  offBoot();
  offData();
  assert.equal(v.outcome, 'success');
  assert.equal(v.ip, '192.168.10.106');
  assert.deepEqual(v.files.map((f) => [f.name, f.status]), [['C0A80A6A.img', 'not-found'], ['sel4test-driver-image-arm-bcm2837', 'ok']]);
  assert.equal(bytes, log.length, 'every byte reached the API');
  const kinds = boots.flatMap((b) => b.events.map((e) => e.kind));
  for (const k of ['banner', 'dhcp-request', 'dhcp-bound', 'tftp-error', 'tftp-done', 'kernel-start'] as const) assert.ok(kinds.includes(k), `saw ${k}`);
  const firstDhcp = boots.find((b) => b.stages.find((s) => s.id === 'dhcp')?.state === 'done')!;
  assert.ok(firstDhcp.stages.find((s) => s.id === 'dhcp')!.at! > 0, 'time since power-on on the row');
  await new Promise((r) => setTimeout(r, 100));
  const raw = readFileSync(session.rawLog);
  assert.ok(raw.equals(log), 'the raw log holds exactly the bytes');
  const text = readFileSync(session.textLog, 'utf8').split('\n');
  assert.match(text[0]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z U-Boot 2023\.04/, 'a timestamp per line');
  const found = await tb.api.call('serial.logs.search', { name: session.textLog.split('/').pop()!, query: 'file not found' });
  assert.equal(found.matches.length, 1);
  await tb.api.call('serial.close', { sessionId: session.sessionId });
});

test('typed keys reach the board in the newline mode; local echo; break on a pty is reported, not thrown', { skip, timeout: 20_000 }, async () => {
  const s = await tb.api.call('serial.open', { path: cable.host, newline: 'CRLF', localEcho: true });
  const { openSync, readSync, closeSync } = await import('node:fs');
  const fd = openSync(cable.board, 'r+');
  const echo = nextEvent(tb.api, 'serial.data', (p) => p.sessionId === s.sessionId && p.echo);
  await tb.api.call('serial.write', { sessionId: s.sessionId, text: 'dhcp\r' });
  assert.equal(Buffer.from((await echo).data, 'base64').toString(), 'dhcp\r\n');
  const buf = Buffer.alloc(64);
  const n = readSync(fd, buf);
  closeSync(fd);
  assert.equal(buf.subarray(0, n).toString(), 'dhcp\r\n');
  const { note } = await tb.api.call('serial.write', { sessionId: s.sessionId, sendBreak: true });
  assert.ok(note === null || /break not sent/.test(note), String(note));
  await tb.api.call('serial.close', { sessionId: s.sessionId });
});

test('the adapter unplugged and plugged back: "unplugged", then reopened within a second, the log kept', { skip, timeout: 30_000 }, async () => {
  const s = await tb.api.call('serial.open', { path: cable.host });
  cable.write('U-Boot 2023.01 (x)\r\nbefore unplug\r\n');
  await nextEvent(tb.api, 'serial.boot', (p) => p.sessionId === s.sessionId);
  const unplugged = nextEvent(tb.api, 'serial.state', (p) => p.sessionId === s.sessionId && p.state === 'unplugged', 5000);
  await cable.unplug();
  assert.match((await unplugged).message, /went away/);
  assert.equal((await tb.api.call('serial.status', { sessionId: s.sessionId })).session.state, 'unplugged');
  const back = nextEvent(tb.api, 'serial.state', (p) => p.sessionId === s.sessionId && p.state === 'open', 5000);
  await cable.replug();
  const t0 = Date.now();
  assert.match((await back).message, /reconnected/);
  assert.ok(Date.now() - t0 < 1000, `reconnected in ${Date.now() - t0} ms`);
  const after = nextEvent(tb.api, 'serial.data', (p) => p.sessionId === s.sessionId);
  cable.write('after replug\r\n');
  assert.equal(Buffer.from((await after).data, 'base64').toString(), 'after replug\r\n');
  await new Promise((r) => setTimeout(r, 100));
  const text = readFileSync(s.textLog, 'utf8');
  assert.match(text, /before unplug[\s\S]*--- unplugged[\s\S]*--- reconnected[\s\S]*after replug/);
  const status = await tb.api.call('serial.status', { sessionId: s.sessionId });
  assert.equal(status.session.reconnects, 1);
  await tb.api.call('serial.close', { sessionId: s.sessionId });
});

test('session logs are size-capped and rotated; list, read, search and analyze take the rotated set', { skip, timeout: 90_000 }, async () => {
  const { existsSync, statSync } = await import('node:fs');
  const { pieceName } = await import('../../src-main/services/serial/rotating-file.js');
  await tb.api.call('settings.set', { serialLogMiB: 1, serialLogFiles: 3 });
  try {
    const s = await tb.api.call('serial.open', { path: cable.host });
    let received = 0;
    const offData = tb.api.on('serial.data', (p) => p.sessionId === s.sessionId && (received += Buffer.from(p.data, 'base64').length));
    const sent: Buffer[] = [];
    let written = 0;
    const send = async (data: Buffer, total: number): Promise<void> => {
      // 2 KiB at a time, never more than 16 KiB ahead of what the app read: a blocking write into a full pty would
      // stop this thread, which is also the one reading the other end
      for (let i = 0; i < data.length; i += 2048) {
        const deadline = Date.now() + 10_000;
        while (written - received > 16384 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
        const piece = data.subarray(i, i + 2048);
        cable.write(piece);
        written += piece.length;
      }
      sent.push(data);
      const deadline = Date.now() + 30_000;
      while (received < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.equal(received, total, 'every byte reached the API');
    };
    const filler = (from: number, n: number): string => Array.from({ length: n }, (_, i) => `filler line ${String(from + i).padStart(7, '0')} ${'x'.repeat(80)}\r\n`).join('');
    // the file's name is only in the oldest piece, its failure only in the newest: analyze must read the set in order
    const head = Buffer.from("U-Boot 2023.01 (x)\r\nTFTP from server 192.168.152.1; our IP address is 192.168.152.12\r\nFilename 'start.uboot'.\r\nLoading: *\r\n");
    const body = Buffer.from(filler(0, 24_000) + "TFTP error: 'File not found' (1)\r\n");
    await send(Buffer.concat([head, body]), head.length + body.length);
    await new Promise((r) => setTimeout(r, 300));
    const rawSet = [2, 1, 0].map((i) => pieceName(s.rawLog, i));
    for (const p of rawSet) assert.ok(existsSync(p), `${p} exists`);
    assert.ok(!existsSync(pieceName(s.rawLog, 3)), 'no fourth raw piece');
    for (const p of rawSet) assert.ok(statSync(p).size <= 1024 * 1024, `${p}: ${statSync(p).size} bytes, at most 1 MiB`);
    const all = Buffer.concat(sent);
    assert.ok(Buffer.concat(rawSet.map((p) => readFileSync(p))).equals(all), 'the raw pieces, oldest first, hold exactly the bytes');
    const textName = s.textLog.split('/').pop()!;
    const listed = (await tb.api.call('serial.logs.list', {})).filter((l) => l.name.startsWith(textName.replace(/\.log$/, '')));
    assert.deepEqual(listed.map((l) => l.name).sort(), [s.rawLog.split('/').pop()!, textName].sort(), 'one entry per rotated log');
    const rawEntry = listed.find((l) => l.kind === 'raw')!;
    assert.equal(rawEntry.size, all.length, 'the entry has the size of the whole set');
    const read = await tb.api.call('serial.logs.read', { name: rawEntry.name, offset: 1000, length: 2 * 1024 * 1024 });
    assert.ok(Buffer.from(read.data, 'base64').equals(all.subarray(1000, 1000 + 2 * 1024 * 1024)), 'read spans the pieces');
    const found = await tb.api.call('serial.logs.search', { name: textName, query: 'Filename' });
    assert.equal(found.matches.length, 1);
    assert.equal(found.matches[0]!.line, 3, 'search counts lines across the pieces');
    const analysed = await tb.api.call('serial.analyze', { path: s.textLog, expect: null });
    assert.equal(analysed.verdict.outcome, 'tftp-not-found');
    assert.deepEqual(analysed.verdict.files.map((f) => [f.name, f.status]), [['start.uboot', 'not-found']]);
    assert.ok(analysed.verdict.lines > 24_000, `${analysed.verdict.lines} lines read across the pieces`);
    // more data: the oldest piece is dropped, the set stays at 3 files of at most 1 MiB
    const more = Buffer.from(filler(24_000, 12_000));
    await send(more, all.length + more.length);
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!existsSync(pieceName(s.rawLog, 3)) && !existsSync(pieceName(s.textLog, 3)), 'still three files per log');
    const kept = Buffer.concat(rawSet.map((p) => readFileSync(p)));
    const everything = Buffer.concat(sent);
    assert.ok(kept.length <= 3 * 1024 * 1024 && kept.length < everything.length, `${kept.length} bytes kept`);
    assert.ok(everything.subarray(everything.length - kept.length).equals(kept), 'the newest bytes are kept, in order');
    offData();
    await tb.api.call('serial.close', { sessionId: s.sessionId });
  } finally {
    await tb.api.call('settings.set', { serialLogMiB: 16, serialLogFiles: 4 });
  }
});

test('a port held by another program names it (pid and name); a missing port says so', { skip, timeout: 20_000 }, async () => {
  const { spawn } = await import('node:child_process');
  const holder = spawn('flock', ['-x', cable.host, 'sleep', '30'], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 300));
    await assert.rejects(tb.api.call('serial.open', { path: cable.host }), (e: Error & { hint?: string }) => {
      assert.match(e.message, /held by another program: .*flock \(pid \d+/);
      assert.match(e.hint ?? '', /kill \d+/);
      return true;
    });
    await assert.rejects(tb.api.call('serial.open', { path: '/dev/nonexistent-tty' }), /does not exist/);
  } finally {
    holder.kill('SIGKILL');
  }
});
