import type { CommandName, EventMessage } from '../../api/contract.js';
import { isCommandName } from '../../api/contract.js';
import { ApiError } from '../../api/errors.js';

/**
 * The commands the privileged helper runs: only what needs root (raw card reads and writes, unmounting, binding
 * DHCP/TFTP ports 67/69, tcpdump) and the state that goes with it (drives, settings, journal). Everything else
 * (listing files, serial consoles on dialout, analysing logs, building card images into files, the catalog) runs
 * in the unprivileged process and is refused here.
 */
export const HELPER_COMMANDS: ReadonlySet<CommandName> = new Set<CommandName>([
  'app.info',
  'settings.get',
  'settings.set',
  'journal.list',
  'drives.list',
  'image.inspect',
  'flash.start',
  'flash.add',
  'flash.cancel',
  'flash.status',
  'card.inspect',
  'card.rearm',
  'bench.start',
  'bench.stop',
  'bench.status',
  'bench.interfaces',
  'check.start',
  'check.stop',
  'slots.list',
  'slots.enroll',
  'slots.forget',
  'stationJob.arm',
  'stationJob.disarm',
  'stationJob.update',
  'stationJob.status',
]);

/** Throws `refused` for a command of the contract the helper does not run (unknown names stay unknown-command). */
export function refuseOutsideHelper(name: string): void {
  if (isCommandName(name) && !HELPER_COMMANDS.has(name)) {
    throw new ApiError(
      'refused',
      `${name} does not run in the privileged helper: it needs no root rights`,
      'the unprivileged app (or CLI) answers it',
    );
  }
}

/** One side of the API a window talks to: dispatch commands, receive events, close. */
export interface ApiPort {
  dispatch(name: string, input: unknown): Promise<unknown>;
  subscribe(sink: (message: EventMessage) => void): () => void;
  close(): Promise<void>;
}

/**
 * Joins the privileged helper and an unprivileged backend into one port: the helper's commands go to the helper,
 * every other command to the unprivileged side; events of both reach every subscriber.
 */
export function routedPort(helper: ApiPort, local: ApiPort): ApiPort {
  return {
    dispatch: (name, input) => (isCommandName(name) && HELPER_COMMANDS.has(name) ? helper : local).dispatch(name, input),
    subscribe(sink) {
      const offs = [helper.subscribe(sink), local.subscribe(sink)];
      return () => offs.forEach((off) => off());
    },
    async close() {
      await Promise.allSettled([helper.close(), local.close()]);
    },
  };
}
