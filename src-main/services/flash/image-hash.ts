import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { NEW_FILE } from '../access/state-files.js';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

// Runs in a worker thread: hashing a large image must never stall the event loop that feeds the cards.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const hash = createHash('sha256');
const fd = openSync(workerData, 'r');
const buf = Buffer.allocUnsafe(4 << 20);
try {
  for (;;) { const n = readSync(fd, buf, 0, buf.length, null); if (n === 0) break; hash.update(buf.subarray(0, n)); }
} finally { closeSync(fd); }
parentPort.postMessage(hash.digest('hex'));
`;

function hashInWorker(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: path });
    worker.once('message', (digest: string) => resolve(digest));
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`sha256 worker exited ${code}`)));
  });
}

/**
 * The sha256 of an image file as given (what the technician downloaded), computed once per file version in a
 * worker thread and remembered in the cache (keyed by path, inode, size and mtime): technicians write the same
 * image many times.
 */
export async function imageSha256(path: string, cacheDir: string): Promise<string> {
  const st = await stat(path);
  const key = createHash('sha256').update(`${path}\0${st.ino}\0${st.size}\0${st.mtimeMs}`).digest('hex').slice(0, 32);
  const dir = join(cacheDir, 'sha256');
  const file = join(dir, key);
  const known = await readFile(file, 'utf8').catch(() => null);
  if (known && /^[0-9a-f]{64}$/.test(known.trim())) return known.trim();
  const digest = await hashInWorker(path);
  await mkdir(dir, { recursive: true });
  await rm(file, { force: true });
  await writeFile(file, `${digest}\n`, { flag: NEW_FILE }).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e; // another session remembered it first
  });
  return digest;
}
