import { chownSync } from 'node:fs';

/** The user who owns walt-bench's state when a root helper works for them (pkexec's caller). */
export interface Owner {
  uid: number;
  gid: number;
}

/** Gives a file or folder the helper created back to the user it works for (no-op without an owner). */
export function giveBack(path: string, owner: Owner | undefined): void {
  if (!owner) return;
  try {
    chownSync(path, owner.uid, owner.gid);
  } catch {
    // Not fatal: the file stays root's; the unprivileged fallback will say it cannot write it.
  }
}
