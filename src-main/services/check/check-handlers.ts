import type { Dispatcher, Handlers } from '../../api/dispatcher.js';
import { type BenchHolder, startBench } from '../bench/bench-handlers.js';
import { type ConsoleFeed, CheckSession } from './check-service.js';

/** The commands of the boot check. */
export type CheckCommandName = 'check.start' | 'check.stop';

/** Handlers of the boot check: one check at a time, owning the bench while it runs. */
export function checkHandlers(
  holder: BenchHolder,
  emit: Dispatcher['emit'],
  consoleFeed: () => ConsoleFeed | null = () => null,
): Pick<Handlers, CheckCommandName> {
  let session: CheckSession | null = null;
  const end = async (): Promise<void> => {
    session?.stop();
    session = null;
    await holder.stop();
  };
  return {
    'check.start': async ({ iface, expect, mode, root, mac, timeoutS }) => {
      if (session) await end();
      const bench = await startBench(holder, emit, { iface, mode, root });
      const s = new CheckSession(bench, {
        expected: expect,
        mac: mac ?? null,
        serving: mode === 'observe' ? 'observe' : root ? 'root' : 'probe',
        timeoutS,
        console: consoleFeed(),
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
