/**
 * One station process arming slot A (state-lock.test.ts starts several at once): waits for the go file, claims the
 * slot through its JobStore, taking 50 ms to look at the others' jobs (a slow check widens any race), prints the
 * outcome, and stays alive (so its job stays live) until its stdin closes.
 */
import { existsSync } from 'node:fs';
import { JobStore } from '../../../../src-main/services/station/job-store.js';
import { StationState } from '../../../../src-main/services/station/station-state.js';
import { processIdentity } from '../../../../src-main/services/journal/process-identity.js';
import { firstOtherOwner } from '../../../../src-main/core/station/slot-owners.js';

const [file, go, name] = process.argv.slice(2) as [string, string, string];
const store = new JobStore(new StationState(file), true);
const pause = new Int32Array(new SharedArrayBuffer(4));
while (!existsSync(go)) Atomics.wait(pause, 0, 0, 1);
const job = {
  jobId: name, artifact: 'x.img', entry: null, imageName: 'x.img', slots: ['A'], verify: true, count: null,
  sizeLimit: 1, armedAt: new Date().toISOString(), armedBy: name, done: 0, failed: 0, process: processIdentity.self(),
};
const refusal = store.claim(name, (others) => {
  Atomics.wait(pause, 0, 0, 50);
  return firstOtherOwner(['A'], others, (c) => c);
}, [job]);
process.stdout.write(`${refusal ?? 'won'}\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
