import type { CommandOutput } from '../../../../../src-main/api/contract.js';
import { macVendor } from '../../../../../src-main/core/net/oui.js';
import type { CheckId } from '../check-steps.js';

/** The rack check's snapshot (check.rackStart, check.rackStatus, check.rackDone). */
export type RackSnapshotData = NonNullable<CommandOutput<'check.rackStatus'>>;
/** One board of the rack (one row). */
export type RackBoardData = RackSnapshotData['boards'][number];

/** The five checks, in the order of WalT's boot workflow. */
export const CHECK_IDS: CheckId[] = ['dhcp', 'identity', 'fetch', 'transfer', 'run'];

/** A column the rack table sorts by. */
export type RackSortKey = 'mac' | 'vendor' | 'model' | 'ip' | 'startFile' | CheckId | 'attempts' | 'verdict';
/** Sort order. */
export interface RackSort {
  key: RackSortKey;
  dir: 'asc' | 'desc';
}

/** The start file a board fetched whole (else the last one it asked for), or null. */
export function startFileOf(b: RackBoardData): string | null {
  const whole = b.files.filter((f) => f.result === 'complete').at(-1);
  return (whole ?? b.files.at(-1))?.name ?? null;
}

/** The vendor of a board's MAC (its OUI), or null. */
export function vendorOf(b: RackBoardData): string | null {
  return macVendor(b.mac);
}

/** A check's state on a board ('pending' if the board has no such check). */
export function checkState(b: RackBoardData, id: CheckId): string {
  return b.checks.find((c) => c.id === id)?.state ?? 'pending';
}

const VERDICT_RANK: Record<string, number> = { fail: 0, pending: 1, pass: 2 };
const STATE_RANK: Record<string, number> = { failed: 0, pending: 1, skipped: 2, ok: 3 };

/** An IPv4 address as a number for sorting (null: no address). */
function ipRank(ip: string | null): number | null {
  if (!ip) return null;
  const o = ip.split('.').map(Number);
  return o.length === 4 && o.every((n) => Number.isInteger(n)) ? ((o[0]! * 256 + o[1]!) * 256 + o[2]!) * 256 + o[3]! : null;
}

/** The value of a column for a board: a number or a text, null when empty (empty cells sort last either way). */
function sortValue(b: RackBoardData, key: RackSortKey): string | number | null {
  switch (key) {
    case 'mac':
      return b.mac.toLowerCase();
    case 'vendor':
      return vendorOf(b);
    case 'model':
      return b.modelSent ?? b.vci;
    case 'ip':
      return ipRank(b.ip);
    case 'startFile':
      return startFileOf(b);
    case 'attempts':
      return b.attempts;
    case 'verdict':
      return VERDICT_RANK[b.verdict] ?? 1;
    default:
      return STATE_RANK[checkState(b, key)] ?? 1;
  }
}

/** The boards sorted by a column (stable; ties keep the MAC order; empty values last in both directions). */
export function sortBoards(boards: readonly RackBoardData[], sort: RackSort): RackBoardData[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  return [...boards].sort((a, b) => {
    const va = sortValue(a, sort.key);
    const vb = sortValue(b, sort.key);
    if (va === null || vb === null) {
      if (va !== vb) return va === null ? 1 : -1;
    } else if (va !== vb) {
      const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
      if (c !== 0) return sign * c;
    }
    return a.mac.localeCompare(b.mac);
  });
}

/** The next sort after a click on a column's header: the same column flips, another starts ascending. */
export function nextSort(current: RackSort, key: RackSortKey): RackSort {
  return current.key === key ? { key, dir: current.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' };
}

/** A board's row replaced (or added) in the list, by MAC. */
export function upsertBoard(boards: readonly RackBoardData[], board: RackBoardData): RackBoardData[] {
  const i = boards.findIndex((b) => b.mac === board.mac);
  if (i < 0) return [...boards, board];
  const next = [...boards];
  next[i] = board;
  return next;
}
