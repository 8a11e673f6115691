import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';

describe('device events', () => {
  it('stopping right after a start whose udevadm is missing signals nothing (no kill of the process group)', () => {
    // In a process group of its own, with a PATH that holds no udevadm: before the fix, stop() called kill() on a
    // child that had no pid yet, which signals the whole process group (the station, and the shell that started it).
    const dir = mkdtempSync(join(tmpdir(), 'wb-devev-'));
    try {
      const script = join(dir, 'run.ts');
      const module = resolve('src-main/services/station/device-events.ts');
      writeFileSync(script, `import { DeviceEvents } from ${JSON.stringify(module)};\nconst e = new DeviceEvents({ onEvent: () => undefined, devices: () => [] });\ne.start();\ne.stop();\nprocess.stdout.write('alive');\n`);
      // setsid -w: the child leads a process group of its own (a kill of "its" group never reaches this runner).
      const r = spawnSync('/usr/bin/setsid', ['-w', process.execPath, '--import', 'tsx', script], { env: { ...process.env, PATH: '/nonexistent' }, encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.signal, null, `killed by ${r.signal}`);
      assert.equal(r.stdout, 'alive', r.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
