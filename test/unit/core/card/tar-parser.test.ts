import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import type { ArchiveMember } from '../../../../src-main/core/card/archive-rules.js';
import { parsePaxRecords } from '../../../../src-main/core/card/tar-pax.js';
import { TarFormatError, TarParser } from '../../../../src-main/core/card/tar-parser.js';
import { crc32 } from '../../../../src-main/core/net/crc32.js';
import { decodeZipName } from '../../../../src-main/core/card/zip-name.js';
import { ROOT } from '../../../support/cli.js';

interface Parsed {
  members: (ArchiveMember & { data: Buffer })[];
}

/** Runs the parser over an archive pushed in chunks of `step` bytes; collects each member with its bytes. */
function parse(bytes: Uint8Array, step = 4096): Parsed {
  const p = new TarParser();
  const members: Parsed['members'] = [];
  const take = (events: ReturnType<TarParser['push']>): void => {
    for (const ev of events) {
      if (ev.type === 'member') members.push({ ...ev.member, data: Buffer.alloc(0) });
      else if (ev.type === 'data') members.at(-1)!.data = Buffer.concat([members.at(-1)!.data, ev.bytes]);
    }
  };
  for (let at = 0; at < bytes.length; at += step) take(p.push(bytes.subarray(at, at + step)));
  take(p.finish());
  return { members };
}

describe('tar parser on archives written by GNU tar 1.34 and Python tarfile (pax, gnu, ustar)', () => {
  let dir: string;
  const read = (name: string): Uint8Array => {
    const raw = readFileSync(join(dir, name));
    return name.endsWith('.gz') ? gunzipSync(raw) : raw;
  };
  const paths = (name: string): string[] => parse(read(name)).members.map((m) => m.path.replace(/^\.\//, '').replace(/\/$/, ''));

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'wb-tar-'));
    execFileSync('python3', [join(ROOT, 'test', 'support', 'world-archives.py'), dir, '--quick']);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('pax Unicode paths: record lengths count bytes, so names are whole (no stray "\\n"), data intact', () => {
    for (const name of ['unicode-pax.tar', 'gnutar-pax.tar', 'gnutar-posix.tar.gz']) {
      const { members } = parse(read(name), 1); // byte by byte: every boundary inside headers and records
      const cafe = members.find((m) => m.path.endsWith('überlays/café.dtbo'));
      assert.ok(cafe, `${name}: ${members.map((m) => m.path).join(', ')}`);
      assert.equal(cafe.data.toString(), 'cafe\n');
      assert.ok(members.some((m) => m.path.endsWith('ドキュメント/説明.txt') && m.data.toString() === 'Unicode names on a FAT card\n'), name);
      assert.ok(members.every((m) => !/[\n\0]/.test(m.path)), name);
      const long = members.find((m) => m.path.endsWith('long-file-name-that-needs-more-than-one-hundred-bytes-in-total.bin'))!;
      assert.ok(long.path.length > 200 && long.data.length === 500, name);
    }
  });

  it('GNU long names (L), ustar prefix fields and pax give the same paths', () => {
    const pax = paths('unicode-pax.tar').sort();
    assert.deepEqual(paths('unicode-gnu.tar.gz').sort(), pax);
    assert.deepEqual(paths('gnutar-gnu.tar').filter((p) => p !== '').sort(), paths('gnutar-pax.tar').filter((p) => p !== '').sort());
    const ustar = paths('prefix-ustar.tar');
    assert.ok(ustar.some((p) => p.startsWith('deep/a-rather-long-folder-name-for-ustar-prefix-fields/') && p.length > 200), ustar.join());
  });

  it('a pax global header (g) is not a member; per-file mtime keeps its fraction; Python\'s pax mtimes too', () => {
    const { members } = parse(read('global-pax.tar'));
    assert.deepEqual(members.map((m) => m.path), ['config.txt', 'frac.txt']);
    assert.equal(members[1]!.mtimeMs, 1709288430750);
    assert.equal(parse(read('unicode-pax.tar')).members.find((m) => m.path === 'Ελληνικά.txt')!.mtimeMs, 1709288430250);
  });

  it('GNU base-256 numbers: a negative mtime (1969) and a 9 GiB size', () => {
    assert.equal(parse(read('base256-mtime.tar')).members[1]!.mtimeMs, -86400000);
    const p = new TarParser();
    const [ev] = p.push(read('base256-9g.tar'));
    assert.deepEqual(ev?.type === 'member' && [ev.member.path, ev.member.size], ['huge9.bin', 9 * 2 ** 30]);
  });

  it('GNU sparse members (gnu S, pax 0.1, pax 1.0) are sparse, under their real name and real size', () => {
    for (const name of ['sparse-gnu.tar', 'sparse-pax-0.1.tar', 'sparse-pax.tar']) {
      const big = parse(read(name)).members.find((m) => m.path.endsWith('big.bin'));
      assert.ok(big, name);
      assert.deepEqual([big.path, big.type, big.size], ['./big.bin', 'sparse', 5 * 2 ** 30], name);
      assert.ok(!parse(read(name)).members.some((m) => m.path.includes('GNUSparseFile')), name);
    }
  });

  it('links carry their target: a symlink and a hard link from GNU tar', () => {
    const { members } = parse(read('gnutar-symlink-hardlink.tar'));
    const sym = members.find((m) => m.type === 'symlink')!;
    const hard = members.find((m) => m.type === 'hardlink')!;
    assert.deepEqual([sym.path, sym.linkTarget], ['./latest.txt', 'config.txt']);
    assert.ok(hard.linkTarget === './copy.txt' || hard.linkTarget === './config.txt', hard.linkTarget);
  });

  it('the end: without the two zero blocks accepted; cut inside a header or a member: truncated, with the offset', () => {
    assert.deepEqual(paths('no-end-blocks.tar'), paths('prefix-ustar.tar'));
    assert.throws(() => parse(read('truncated-header.tar')), (e: unknown) => e instanceof TarFormatError && /truncated: it ends at byte 1124, in the middle of a header/.test(e.message));
    assert.throws(() => parse(read('truncated-data.tar')), /truncated: it ends at byte 1636, in the middle of a member/);
  });

  it('pax records: lengths in bytes, a malformed record refused with the header offset', () => {
    const rec = (k: string, v: string): string => {
      const body = ` ${k}=${v}\n`;
      let len = Buffer.byteLength(body) + 1;
      while (String(len).length + Buffer.byteLength(body) !== len) len += 1;
      return `${len}${body}`;
    };
    const text = rec('path', 'überlays/café.dtbo') + rec('mtime', '1709288430.5') + rec('size', '12');
    const r = parsePaxRecords(new TextEncoder().encode(text), 1536);
    assert.deepEqual([...r], [['path', 'überlays/café.dtbo'], ['mtime', '1709288430.5'], ['size', '12']]);
    assert.throws(() => parsePaxRecords(new TextEncoder().encode('99 path=x\n'), 1536), /pax header at byte 1536 has a malformed record/);
  });

  it('zip names: UTF-8 flag, Info-ZIP Unicode path (CRC checked), unflagged UTF-8, CP437, backslashes', () => {
    const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
    assert.equal(decodeZipName(enc('überlays/café.dtbo'), true, []), 'überlays/café.dtbo');
    assert.equal(decodeZipName(enc('überlays/café.dtbo'), false, []), 'überlays/café.dtbo');
    assert.equal(decodeZipName(Uint8Array.of(0x63, 0x61, 0x66, 0x82), false, []), 'café');
    const raw = enc('______.txt');
    const field = (crc: number): { id: number; data: Uint8Array } => {
      const name = enc('ドキュメント.txt');
      const data = new Uint8Array(5 + name.length);
      data[0] = 1;
      new DataView(data.buffer).setUint32(1, crc, true);
      data.set(name, 5);
      return { id: 0x7075, data };
    };
    assert.equal(decodeZipName(raw, false, [field(crc32(raw))]), 'ドキュメント.txt');
    assert.equal(decodeZipName(raw, false, [field(crc32(raw) ^ 1)]), '______.txt');
    assert.equal(decodeZipName(enc('..\\..\\evil.txt'), false, []), '../../evil.txt');
  });
});
