/**
 * The drive list's lsblk, started at the very start of a CLI flash (cli/main.ts), before the command bundle loads
 * (~60 ms of compiling and module start-up on the main thread): lsblk runs meanwhile, and the first list then takes
 * its output instead of running lsblk itself and waiting for it. The same command drivelist runs on Linux (its JSON
 * form), parsed by drivelist's own transform (DrivelistLister), so every drive fact and every rule on them stays as is.
 */

/** drivelist's lsblk arguments (drivelist/js/lsblk: lsblkJSON). */
export const LSBLK_ARGS = ['--bytes', '--all', '--json', '--paths', '--output-all'];

/** An lsblk under way: when it was started (Date.now()) and its output (null if it failed). */
export interface EarlyListing {
  startedAt: number;
  output: Promise<string | null>;
}

/** Starts lsblk now (Linux only; elsewhere null: the drive list is drivelist's own). */
export function startEarlyListing(): EarlyListing | null {
  if (process.platform !== 'linux') return null;
  // required here, not at the top: `walt-bench --help` (this bundle) never loads child_process
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { execFile } = require('node:child_process') as typeof import('node:child_process');
  const startedAt = Date.now();
  const output = new Promise<string | null>((resolve) => {
    execFile('lsblk', LSBLK_ARGS, (error, stdout) => resolve(error ? null : stdout));
  });
  return { startedAt, output };
}
