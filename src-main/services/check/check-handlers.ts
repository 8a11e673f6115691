import type { Dispatcher, Handlers } from '../../api/dispatcher.js';
import { type BenchHolder, startBench } from '../bench/bench-handlers.js';
import { ApiError } from '../../api/errors.js';
import { type ConsoleFeed, CheckSession } from './check-service.js';
import { RackSession } from './rack-session.js';

/** A serial console opened for a check. */
export type OpenedConsole = ConsoleFeed & { close(): Promise<unknown> };
/** Opens a board's serial console for a check (the serial service does it). */
export type OpenConsole = (port: string, expect: string) => Promise<OpenedConsole>;

/** The commands of the boot check. */
export type CheckCommandName = 'check.start' | 'check.stop' | 'check.rackStart' | 'check.rackStatus' | 'check.rackStop';

/** Handlers of the boot check: one check at a time, owning the bench while it runs. */
export function checkHandlers(
  holder: BenchHolder,
  emit: Dispatcher['emit'],
  openConsole: OpenConsole | null = null,
): Pick<Handlers, CheckCommandName> {
  let session: CheckSession | null = null;
  let serialConsole: OpenedConsole | null = null;
  let rack: RackSession | null = null;
  let rackLast: ReturnType<RackSession['snapshot']> | null = null;
  let rackConsoles: OpenedConsole[] = [];
  const end = async (): Promise<void> => {
    session?.stop();
    session = null;
    if (rack) rackLast = rack.snapshot();
    rack?.stop();
    rack = null;
    const opened = rackConsoles;
    rackConsoles = [];
    await Promise.all(opened.map((c) => c.close()));
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
    'check.rackStart': async ({ iface, expect, mode, root, ports, timeoutS }) => {
      if (session || rack) await end();
      if (ports.length && !openConsole) throw new ApiError('refused', 'this backend has no serial service');
      // Open the consoles first: each board's output from power-on is part of the evidence.
      const model = expect.kind === 'model' ? expect.model : 'any';
      const consoles = await Promise.all(
        [...new Set(ports)].map(async (port) => {
          try {
            const c = await openConsole!(port, model);
            rackConsoles.push(c);
            return { port, feed: c as ConsoleFeed, error: null };
          } catch (error) {
            return { port, feed: null, error: (error as Error).message };
          }
        }),
      );
      try {
        const bench = await startBench(holder, emit, { iface, mode, root });
        const s = new RackSession(bench, { iface, expect, serving: mode === 'observe' ? 'observe' : root ? 'root' : 'probe', timeoutS, consoles });
        rack = s;
        s.on('event', (e) => emit('check.rackEvent', e));
        s.on('done', (snap) => {
          emit('check.rackDone', snap);
          if (rack === s) void end();
        });
        s.start();
        return s.snapshot();
      } catch (error) {
        await end();
        throw error;
      }
    },
    'check.rackStatus': async () => rack?.snapshot() ?? rackLast,
    'check.rackStop': async () => {
      const last = rack?.snapshot() ?? rackLast;
      await end();
      return last ? { ...last, running: false } : null;
    },
    'check.stop': async () => {
      const last = session?.verdict() ?? null;
      await end();
      return last;
    },
  };
}
