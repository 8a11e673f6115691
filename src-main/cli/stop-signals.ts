/** The signals that stop a command: Ctrl-C, `kill`, and the terminal going away. */
export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/** The conventional exit status of a command stopped by a signal (128 + its number). */
export const SIGNAL_EXIT: Record<StopSignal, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

const SIGNALS: StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Stop-signal handling installed by a command: which signal came first, and the way to remove the handlers. */
export interface StopSignals {
  received(): StopSignal | null;
  dispose(): void;
}

/**
 * Handles SIGINT, SIGTERM and SIGHUP alike: the first calls `onStop` (the command stops cleanly), a second forces
 * the exit at once with 128 + its number, after `onForce` had its say. Writes to a terminal that hung up are ignored
 * rather than crashing the cleanup.
 */
export function onStopSignals(onStop: (signal: StopSignal) => void, onForce: (signal: StopSignal) => void): StopSignals {
  let first: StopSignal | null = null;
  const ignore = (): void => undefined;
  const handlers = SIGNALS.map((signal) => {
    const handler = (): void => {
      if (first === null) {
        first = signal;
        process.stdout.on('error', ignore);
        process.stderr.on('error', ignore);
        onStop(signal);
        return;
      }
      onForce(signal);
      process.exit(SIGNAL_EXIT[signal]);
    };
    process.on(signal, handler);
    return { signal, handler };
  });
  return {
    received: () => first,
    dispose() {
      for (const { signal, handler } of handlers) process.removeListener(signal, handler);
    },
  };
}

/**
 * Resolves when a server command (bench, station) is asked to stop by SIGINT, SIGTERM or SIGHUP; a second signal
 * quits at once.
 */
export function untilStopped(): Promise<void> {
  return new Promise((done) => {
    const stop = onStopSignals(
      () => {
        stop.dispose();
        done();
      },
      () => undefined,
    );
  });
}
