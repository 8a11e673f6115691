import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The neighbour (ARP) entries the bench sets so it can unicast a DHCP answer to a board that has no address yet
 * (the kernel would otherwise ARP for it, and the board cannot answer). Needs CAP_NET_ADMIN (root, or the app's
 * privileged helper); without it, `point` says false once and the bench keeps answering by broadcast.
 */
export class NeighborTable {
  private readonly entries = new Map<string, string>();
  private failed: string | null = null;

  constructor(
    private readonly iface: string,
    private readonly onFailure: (message: string) => void,
  ) {}

  /** Points `ip` at `mac` on the desk link; false when the bench cannot (answer by broadcast then). */
  async point(ip: string, mac: string): Promise<boolean> {
    if (this.failed !== null) return false;
    if (this.entries.get(ip) === mac) return true;
    try {
      await run('ip', ['neigh', 'replace', ip, 'lladdr', mac, 'dev', this.iface, 'nud', 'stale']);
      this.entries.set(ip, mac);
      return true;
    } catch (error) {
      this.failed = ((error as { stderr?: string }).stderr ?? (error as Error).message).trim();
      this.onFailure(`cannot set neighbour entries on ${this.iface} (${this.failed}): DHCP answers go to the link's broadcast`);
      return false;
    }
  }

  /** Removes the entries this bench set (the kernel learns the boards again by ARP). */
  async clear(): Promise<void> {
    const ips = [...this.entries.keys()];
    this.entries.clear();
    await Promise.all(ips.map((ip) => run('ip', ['neigh', 'del', ip, 'dev', this.iface]).catch(() => undefined)));
  }
}
