import { createHmac, randomBytes } from 'node:crypto';

/** This process's key of the labels: a label says nothing of the id it stands for, and differs after a restart. */
const KEY = randomBytes(32);

/**
 * What other clients see of a client: a station page (`station <address> <id>`) is shown as its address and a short
 * keyed hash of its id, never the id itself (the id is what the station recognises the page by: broadcasting it
 * would let any watcher act as that page). Other clients (cli, desktop, test names) hold no secret and are shown as
 * they are.
 */
export function clientLabel(client: string): string {
  const m = /^station (\S+) (\S+)$/.exec(client);
  if (!m) return client;
  const tag = createHmac('sha256', KEY).update(client).digest('hex').slice(0, 6);
  return `station ${m[1]!} #${tag}`;
}
