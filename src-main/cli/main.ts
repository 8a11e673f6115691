import { startEarlyListing } from '../services/drives/early-listing.js';
import { defaultHome } from '../services/paths.js';
import { APP_VERSION } from '../services/version.js';
import { EXIT } from './args.js';
import { OUTCOME_EXIT_HELP } from './boot-output.js';

const HELP = `walt-bench ${APP_VERSION}: the WalT technician's bench

usage: walt-bench <command> [options]

  drives [--json] [--image FILE]       every drive, whether it can be written, and why
  flash <image> --drive DEV [--drive DEV ...] [--entry NAME] [--full] [--bmap FILE] [--no-verify] [--yes] [--allow-large] [--json]
                                       write an image (.img .dd .raw .gz .xz .zip .bz2) to cards, verified
  journal [--csv|--json] [--limit N]   every card written, as a table, CSV or JSON
  station [--port P] [--host H] [--tls] [--max-upload SIZE] [--rotate-token]
                                       serve the app to a browser (prints a URL with its access token);
                                       off 127.0.0.1 always HTTPS with a self-signed certificate
  slots [--json] | slots enroll <slot> | slots forget <slot>
                                       card reader slots (/dev/disk/by-path), enrolled or not, and their cards
  station-job --slot S [--slot ...] <artifact-or-image> [--count N] [--no-verify] [--json]
                                       write every card inserted in the enrolled slots (never one already there):
                                       a line per card; exit 0 when the count is reached with no failure, 1 if one failed
  bench [--iface IF] [--observe|--serve] [--root DIR] [--json]
                                       watch DHCP on the desk link, or serve walt bootloaders DHCP + TFTP
  check [--iface IF] --expect MODEL [--port TTY] [--observe] [--root DIR] [--mac MAC] [--timeout S] [--json]
                                       check a board boots as walt.node.MODEL (any model): exit 0 on pass
  check [--iface IF] --all [--expect MODEL | --expect-map CSV] [--port TTY ...] [--timeout S] [--json] [--report FILE.csv|.json|.html [--overwrite]]
                                       check every board on the link (keyed by MAC; CSV lines mac,model; default
                                       any walt.node.*): a live table; exit 0 only when every board seen passed
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
                                       interactive serial console (default-baud setting, 115200 8N1 by default; Ctrl-] q quits, Ctrl-] b break)
  watch <port> [--expect MODEL] [--json] [--timeout S] [--baud N]
                                       stream a board's boot stages live; exit at the verdict
                                       analyze/watch exit status: ${OUTCOME_EXIT_HELP}
  about [--json]                       versions: app, Electron, Node, etcher-sdk, catalog
  settings [--json] | settings set KEY VALUE | settings unset KEY
                                       the per-user settings (as in the Settings view): defaultBaud, benchIface,
                                       largeDriveBytes, catalogSource, journalDir, verify, ... (unset: the default)
  doctor [--json]                      system check: disk access, dialout, ports 67/69, tcpdump, state folder,
                                       free space...; each with the exact fix (exit 1 when a check fails)
  help                                 this text

State (journal, cache, settings) lives in ${defaultHome()} (set WALT_BENCH_HOME to move it).
`;

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
  // The commands, the backend (zod schemas, services) and the native modules load only now: `--help` stays at
  // Node's own start-up cost. In the bundle this is a second file, dist/bundle/run-command.cjs (scripts/bundle.mjs).
  // A flash's drive list (lsblk) starts first and runs while that bundle loads (services/drives/early-listing.ts).
  const listing = command === 'flash' ? startEarlyListing() : null;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runCommand } = require('./run-command.js') as typeof import('./run-command.js');
  return runCommand(command, rest, { listing });
}
