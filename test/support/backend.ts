import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ApiClient, EventName, EventPayload } from '../../src-main/api/contract.js';
import { type Backend, type BackendOptions, createBackend } from '../../src-main/services/backend.js';
import { inProcessClient } from '../../src-main/transports/in-process/client.js';

/** A real backend on a temporary state directory, with its in-process client. */
export interface TestBackend {
  backend: Backend;
  api: ApiClient;
  dir: string;
  close(): Promise<void>;
}

/** Starts a backend for a test (virtual drives on: zram cards are targets). */
export async function startTestBackend(over: Partial<BackendOptions> = {}): Promise<TestBackend> {
  const dir = mkdtempSync(join(tmpdir(), 'wb-test-'));
  const backend = await createBackend({
    home: join(dir, 'home'),
    env: { ...process.env, WALT_BENCH_VIRTUAL_DRIVES: '1' },
    pollMs: 200,
    ...over,
  });
  return {
    backend,
    api: inProcessClient(backend.dispatcher),
    dir,
    async close() {
      await backend.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes a file of random (incompressible) bytes. */
export function randomFile(path: string, size: number): Buffer {
  const data = randomBytes(size);
  writeFileSync(path, data);
  return data;
}

/** Resolves with the first event of a kind that matches. */
export function nextEvent<E extends EventName>(
  api: ApiClient,
  name: E,
  match: (p: EventPayload<E>) => boolean = () => true,
  timeoutMs = 20000,
): Promise<EventPayload<E>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${name} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = api.on(name, (p) => {
      if (!match(p)) return;
      clearTimeout(timer);
      off();
      resolve(p);
    });
  });
}
