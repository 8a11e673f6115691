import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { describeHolders, findHolders, programName } from '../../../../src-main/services/flash/device-holders.js';

describe('who holds a card', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'wb-holders-'));
    const proc = join(root, 'proc');
    const sys = join(root, 'sys');
    const process = (pid: number, cmdline: string[], comm: string, fds: string[]): void => {
      mkdirSync(join(proc, String(pid), 'fd'), { recursive: true });
      writeFileSync(join(proc, String(pid), 'cmdline'), cmdline.join('\0') + '\0');
      writeFileSync(join(proc, String(pid), 'comm'), `${comm}\n`);
      fds.forEach((target, i) => symlinkSync(target, join(proc, String(pid), 'fd', String(i))));
    };
    process(100, ['/usr/bin/node', '/opt/walt-bench/bin/walt-bench.js', 'flash', 'x.img'], 'node', ['/dev/null', '/dev/sdq']);
    process(200, ['dd', 'of=/dev/sdq1'], 'dd', ['/dev/sdq1']);
    process(300, ['bash'], 'bash', ['/dev/pts/0', '/dev/sdr']);
    mkdirSync(join(proc, 'self'), { recursive: true });
    writeFileSync(join(proc, 'self', 'mountinfo'), '30 1 8:0 / / rw - ext4 /dev/sda rw\n41 30 65:1 / /media/my\\040card rw - vfat /dev/sdq1 rw\n');
    writeFileSync(join(proc, 'swaps'), 'Filename Type Size Used Priority\n/dev/sdq2 partition 1 0 -2\n');
    for (const [dir, dev] of [['sdq', '65:0'], ['sdq/sdq1', '65:1'], ['sdq/sdq2', '65:2']] as const) {
      mkdirSync(join(sys, 'block', dir, 'holders'), { recursive: true });
      writeFileSync(join(sys, 'block', dir, 'dev'), `${dev}\n`);
    }
    mkdirSync(join(sys, 'block', 'sdq', 'sdq1', 'holders', 'dm-3'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('finds the processes with the card or a partition open, its mounts, swap and kernel holders', async () => {
    const holders = await findHolders('/dev/sdq', { proc: join(root, 'proc'), sys: join(root, 'sys') });
    assert.deepEqual(holders, [
      { kind: 'process', pid: 100, program: 'node walt-bench.js', path: '/dev/sdq' },
      { kind: 'process', pid: 200, program: 'dd', path: '/dev/sdq1' },
      { kind: 'mount', path: '/dev/sdq1', mountpoint: '/media/my card' },
      { kind: 'swap', path: '/dev/sdq2' },
      { kind: 'kernel', name: 'dm-3' },
    ]);
    assert.equal(
      describeHolders(holders),
      'PID 100 (node walt-bench.js), PID 200 (dd), /dev/sdq1 mounted at /media/my card, /dev/sdq2 in use as swap and 1 more',
    );
  });

  it('names programs from their command line, an interpreter with its script', () => {
    assert.equal(programName('python3\0/t/hold-exclusive.py\0/dev/sdb\0', 'python3'), 'python3 hold-exclusive.py');
    assert.equal(programName('node\0-e\0code\0', 'node'), 'node');
    assert.equal(programName('/usr/bin/dd\0of=/dev/sdb\0', 'dd'), 'dd');
    assert.equal(programName('', 'kworker/0:1'), 'kworker/0:1');
  });
});
