import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createBackend } from '../../src-main/services/backend.js';
import { inProcessClient } from '../../src-main/transports/in-process/client.js';
import { randomFile } from '../support/backend.js';
import { assertBuilt, runCli } from '../support/cli.js';
import { startCliJson } from '../support/cli-process.js';
import { createZramCard, readHead, type ZramCard, zramAvailable } from '../support/zram.js';

const MiB = 1 << 20;
const skip = zramAvailable() ? false : 'needs root and zram';

function insert(slot: ZramCard, size: number): void {
  writeFileSync(`/sys/block/zram${slot.index}/disksize`, String(size));
}

function pull(slot: ZramCard): void {
  for (let i = 0; i < 50; i += 1) {
    try {
      writeFileSync(`/sys/block/zram${slot.index}/reset`, '1');
      return;
    } catch {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  throw new Error(`could not reset zram${slot.index}`);
}

describe('walt-bench slots / station-job', { skip }, () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const slots: ZramCard[] = [];
  let img: string;
  let image: Buffer;

  before(() => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'wb-station-job-'));
    env = { WALT_BENCH_HOME: join(dir, 'home'), WALT_BENCH_VIRTUAL_DRIVES: '1' };
    img = join(dir, 'card.img');
    image = randomFile(img, 2 * MiB);
    slots.push(createZramCard(0), createZramCard(0));
  });

  after(() => {
    for (const s of slots) s.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('enrolls slots; kill -9 mid-job leaves a parseable journal and the job disarmed on restart; a job that reaches its count exits 0', async () => {
    const [a, b] = slots as [ZramCard, ZramCard];
    for (const s of slots) {
      const r = await runCli(['slots', 'enroll', s.device], env);
      assert.equal(r.status, 0, r.stderr);
    }
    const listed = await runCli(['slots', '--json'], env);
    const list = JSON.parse(listed.stdout) as { slot: string; enrolled: boolean; card: unknown }[];
    for (const s of slots) assert.deepEqual(list.filter((x) => x.slot === s.device).map((x) => [x.enrolled, x.card]), [[true, null]]);

    const job = startCliJson(['station-job', '--slot', a.device, '--slot', b.device, img, '--count', '2', '--json'], env);
    try {
      const armed = await job.waitFor((l) => l.event === 'armed');
      const jobId = (armed.job as { jobId: string }).jobId;
      assert.ok(existsSync(join(dir, 'home', 'station-jobs.json')), 'the armed job is saved');
      insert(a, 4 * MiB);
      const done = await job.waitFor((l) => l.event === 'card-done');
      assert.match(String(done.announcement), /^slot 1: card 1 of 2 done, remove it$/);
      job.child.kill('SIGKILL');
      await job.exited;

      const backend = await createBackend({ home: join(dir, 'home'), env: { ...process.env, ...env }, pollMs: 200 });
      try {
        const api = inProcessClient(backend.dispatcher);
        const { jobs } = await api.call('stationJob.status', {});
        const restored = jobs.find((j) => j.jobId === jobId);
        assert.equal(restored?.state, 'disarmed');
        assert.match(restored!.endReason!, /station restarted/);
        const journal = await api.call('journal.list', {});
        assert.deepEqual(journal.skippedLines, []);
        assert.equal(journal.records.filter((r) => r.device === a.device && r.result === 'ok').length, 1);
      } finally {
        await backend.close();
      }
      const lines = readFileSync(join(dir, 'home', 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.ok(lines.some((l) => l.action === 'disarmed-on-restart' && l.jobId === jobId));
      assert.ok(lines.some((l) => l.jobId === jobId && l.result === 'ok' && l.slot === a.device));
    } finally {
      await job.stop();
    }

    // The card left in slot a is never written again by a new job; one inserted in b is, and the count exits 0.
    const a0 = readHead(a.device, 4 * MiB);
    const second = startCliJson(['station-job', '--slot', a.device, '--slot', b.device, img, '--count', '1', '--json'], env);
    try {
      await second.waitFor((l) => l.event === 'present-at-arm' && l.slot === a.device);
      insert(b, 4 * MiB);
      assert.equal(await second.exited, 0, second.stderr());
      assert.ok(second.lines.some((l) => l.event === 'job-ended' && (l.job as { state: string }).state === 'complete'));
    } finally {
      await second.stop();
    }
    assert.ok(readHead(b.device, image.length).equals(image));
    assert.ok(readHead(a.device, 4 * MiB).equals(a0), 'the card present at arm is untouched');
    for (const s of slots) pull(s);
  });
});
