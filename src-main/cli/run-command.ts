import type { ApiClient } from '../api/contract.js';
import { type Backend, createBackend } from '../services/backend.js';
import { DrivelistLister } from '../services/drives/drive-lister.js';
import type { EarlyListing } from '../services/drives/early-listing.js';
import { defaultHome } from '../services/paths.js';
import { inProcessClient } from '../transports/in-process/client.js';
import { describeError, EXIT, UsageError } from './args.js';
import { benchCommand } from './commands/bench.js';
import { cardCommand, catalogCommand, downloadCommand, inspectCommand, rearmCommand } from './commands/card.js';
import { checkCommand } from './commands/check.js';
import { aboutCommand } from './commands/about.js';
import { doctorCommand, doctorOnlyClient } from './commands/doctor.js';
import { drivesCommand } from './commands/drives.js';
import { flashCommand } from './commands/flash.js';
import { journalCommand } from './commands/journal.js';
import { settingsCommand } from './commands/settings.js';
import { stationCommand } from './commands/station.js';
import { slotsCommand, stationJobCommand } from './commands/slots.js';
import { analyzeCommand } from './commands/analyze.js';
import { consoleCommand } from './commands/console.js';
import { watchCommand } from './commands/watch.js';
import { jsonError, jsonLine } from './output.js';

/** What a subcommand gets: the API (in-process) and, for the few that serve it further, the backend. */
interface CommandContext {
  api: ApiClient;
  backend: Backend;
}

/** Every subcommand by name. */
const COMMANDS: Record<string, (ctx: CommandContext, argv: string[]) => Promise<number>> = {
  drives: ({ api }, argv) => drivesCommand(api, argv),
  flash: ({ api }, argv) => flashCommand(api, argv),
  journal: ({ api }, argv) => journalCommand(api, argv),
  station: ({ backend }, argv) => stationCommand(backend, argv),
  bench: ({ api }, argv) => benchCommand(api, argv),
  check: ({ api }, argv) => checkCommand(api, argv),
  card: ({ api }, argv) => cardCommand(api, argv),
  inspect: ({ api }, argv) => inspectCommand(api, argv),
  rearm: ({ api }, argv) => rearmCommand(api, argv),
  catalog: ({ api }, argv) => catalogCommand(api, argv),
  download: ({ api }, argv) => downloadCommand(api, argv),
  analyze: ({ api }, argv) => analyzeCommand(api, argv),
  console: ({ api }, argv) => consoleCommand(api, argv),
  watch: ({ api }, argv) => watchCommand(api, argv),
  doctor: ({ api }, argv) => doctorCommand(api, argv),
  about: ({ api }, argv) => aboutCommand(api, argv),
  settings: ({ api }, argv) => settingsCommand(api, argv),
  slots: ({ api }, argv) => slotsCommand(api, argv),
  'station-job': ({ api }, argv) => stationJobCommand(api, argv),
};

/**
 * The commands that serve the app further and so watch the drives (polling, etcher-sdk preloaded). The others list
 * the drives when they ask (flash, drives), never at start-up.
 */
const WATCHING = new Set(['station', 'station-job']);

/** Runs one subcommand on an in-process backend; returns the exit status. `listing`: an lsblk started for it. */
export async function runCommand(command: string, rest: string[], early: { listing?: EarlyListing | null } = {}): Promise<number> {
  const run = COMMANDS[command];
  if (!run) {
    process.stderr.write(describeError(new UsageError(`unknown command "${command}"`)).text + '\n');
    return EXIT.usage;
  }
  let backend: Backend | null = null;
  try {
    if (command === 'doctor') {
      // The system check runs even when the backend cannot start (an unsafe state folder): it says why.
      backend = await createBackend({ home: defaultHome(), watchDrives: false }).catch(() => null);
      if (!backend) return await doctorCommand(doctorOnlyClient(defaultHome()), rest);
    }
    backend ??= await createBackend({
      home: defaultHome(),
      watchDrives: WATCHING.has(command),
      // a command that serves the app further gains from zod's compiled parsers; a one-shot one only pays for them
      jitless: !WATCHING.has(command),
      ...(early.listing ? { lister: new DrivelistLister(early.listing) } : {}),
      // A flash loads etcher-sdk's writer while its .gz inflates in one thread-pool job (the main thread idle then);
      // loaded any earlier, it would delay the start of that inflation by as much.
      preloadWriter: WATCHING.has(command) ? true : command === 'flash' ? 'while-inflating' : false,
    });
    const api: ApiClient = inProcessClient(backend.dispatcher);
    return await run({ api, backend }, rest);
  } catch (error) {
    const { text, status } = describeError(error);
    process.stderr.write(text + '\n');
    if (rest.includes('--json')) jsonLine(jsonError(error));
    return status;
  } finally {
    await backend?.close();
  }
}
