import type { ApiClient } from '../api/contract.js';
import { type Backend, createBackend } from '../services/backend.js';
import { defaultHome } from '../services/paths.js';
import { APP_VERSION } from '../services/version.js';
import { inProcessClient } from '../transports/in-process/client.js';
import { describeError, EXIT, UsageError } from './args.js';
import { benchCommand } from './commands/bench.js';
import { cardCommand, catalogCommand, downloadCommand, inspectCommand, rearmCommand } from './commands/card.js';
import { checkCommand } from './commands/check.js';
import { doctorCommand, doctorOnlyClient } from './commands/doctor.js';
import { drivesCommand } from './commands/drives.js';
import { flashCommand } from './commands/flash.js';
import { journalCommand } from './commands/journal.js';
import { stationCommand } from './commands/station.js';
import { analyzeCommand } from './commands/analyze.js';
import { consoleCommand } from './commands/console.js';
import { watchCommand } from './commands/watch.js';
import { OUTCOME_EXIT_HELP } from './boot-output.js';
import { jsonError, jsonLine } from './output.js';

const HELP = `walt-bench ${APP_VERSION}: the WalT technician's bench

usage: walt-bench <command> [options]

  drives [--json] [--image FILE]       every drive, whether it can be written, and why
  flash <image> --drive DEV [--drive DEV ...] [--entry NAME] [--no-verify] [--yes] [--allow-large] [--json]
                                       write an image (.img .dd .raw .gz .xz .zip .bz2) to cards, verified
  journal [--csv|--json] [--limit N]   every card written, as a table, CSV or JSON
  station [--port P] [--host H] [--tls] [--max-upload SIZE]
                                       serve the app to a browser (prints a URL with its access token);
                                       off 127.0.0.1 always HTTPS with a self-signed certificate
  bench --iface IF [--observe|--serve] [--root DIR] [--json]
                                       watch DHCP on the desk link, or serve walt bootloaders DHCP + TFTP
  check --iface IF --expect MODEL [--port TTY] [--observe] [--root DIR] [--mac MAC] [--timeout S] [--json]
                                       check a board boots as walt.node.MODEL (any model): exit 0 on pass
  card build <archive|folder> -o IMG [--overwrite]
                                       build the one-partition FAT32 card of an archive of files (rpi-sd-files.tar.gz)
                                       into a new file (--overwrite replaces one; to write a card: flash)
  inspect <device|image|archive> [--json]
                                       partitions, filesystems, artifact kind, walt.date, node models served
  rearm <device|image>                 rename RECOVERY.000 back to recovery.bin on a used EEPROM recovery card
  catalog [--model M] [--catalog FILE|URL] [--json]
                                       what each node model needs, and which artifacts are downloaded
  download <artifact|model> [--catalog FILE|URL] | --add FILE
                                       download an artifact into the cache (resumable, sha256 checked)
  analyze <logfile> [--expect MODEL] [--json]
                                       the boot timeline and verdict of a captured serial console log
  console <port> [--baud N] [--log FILE]
                                       interactive serial console (115200 8N1; Ctrl-] q quits, Ctrl-] b break)
  watch <port> [--expect MODEL] [--json] [--timeout S] [--baud N]
                                       stream a board's boot stages live; exit at the verdict
                                       analyze/watch exit status: ${OUTCOME_EXIT_HELP}
  doctor [--json]                      system check: disk access, dialout, ports 67/69, tcpdump, state folder,
                                       free space...; each with the exact fix (exit 1 when a check fails)
  help                                 this text

State (journal, cache, settings) lives in ${defaultHome()} (set WALT_BENCH_HOME to move it).
`;

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
};

/** Runs the CLI; returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(HELP);
    return command ? EXIT.ok : EXIT.usage;
  }
  if (command === '--version' || command === 'version') {
    process.stdout.write(`${APP_VERSION}\n`);
    return EXIT.ok;
  }
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
    backend ??= await createBackend({ home: defaultHome() });
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
