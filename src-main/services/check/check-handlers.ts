import type { Dispatcher, Handlers } from '../../api/dispatcher.js';
import { type BenchHolder, startBench } from '../bench/bench-handlers.js';
import { ApiError } from '../../api/errors.js';
import { type ConsoleFeed, CheckSession } from './check-service.js';

/** A serial console opened for a check. */
export type OpenedConsole = ConsoleFeed & { close(): Promise<unknown> };
/** Opens a board's serial console for a check (the serial service does it). */
export type OpenConsole = (port: string, expect: string) => Promise<OpenedConsole>;

/** The commands of the boot check. */
export type CheckCommandName = 'check.start' | 'check.stop';

/** Handlers of the boot check: one check at a time, owning the bench while it runs. */
export function checkHandlers(
  holder: BenchHolder,
  emit: Dispatcher['emit'],
  openConsole: OpenConsole | null = null,
): Pick<Handlers, CheckCommandName> {
  let session: CheckSession | null = null;
  let serialConsole: OpenedConsole | null = null;
  const end = async (): Promise<void> => {
    session?.stop();
    session = null;
    await serialConsole?.close();
    serialConsole = null;
    await holder.stop();
  };
  return {
    'check.start': async ({ iface, expect, mode, root, mac, timeoutS, port }) => {
      if (session) await end();
      if (port) {
        if (!openConsole) throw new ApiError('refused', 'this backend has no serial service');
        // Open the console first: the board's output from power-on is part of the evidence.
        serialConsole = await openConsole(port, expect);
      }
      let bench;
      try {
        bench = await startBench(holder, emit, { iface, mode, root });
      } catch (error) {
        await serialConsole?.close();
        serialConsole = null;
        throw error;
      }
      const s = new CheckSession(bench, {
        expected: expect,
        mac: mac ?? null,
        serving: mode === 'observe' ? 'observe' : root ? 'root' : 'probe',
        timeoutS,
        console: serialConsole,
      });
      session = s;
      s.on('update', (v) => emit('check.update', v));
      s.on('done', (v) => {
        emit('check.done', v);
        if (session === s) void end();
      });
      s.start();
      return s.verdict();
    },
    'check.stop': async () => {
      const last = session?.verdict() ?? null;
      await end();
      return last;
    },
  };
}
