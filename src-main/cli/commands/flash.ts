import { resolve } from 'node:path';
import type { ApiClient, CardProgressEvent, CardResultData, DriveStatus, ImageInfo } from '../../api/contract.js';
import { formatBytes, formatDuration } from '../../core/util/format.js';
import { EXIT, parse, UsageError } from '../args.js';
import { jsonLine, progressLine } from '../output.js';
import { ask } from '../prompt.js';
import { onStopSignals, SIGNAL_EXIT } from '../stop-signals.js';

const USAGE = 'flash <image|archive|folder> --drive <dev> [--drive <dev> ...] [--entry NAME] [--grow] [--full] [--bmap FILE] [--no-verify] [--yes] [--allow-large] [--json]';

/** Picks the zip entry: the one given, the only one, or asks. */
async function chooseEntry(info: ImageInfo, given: string | undefined): Promise<string | undefined> {
  if (given || info.entries.length <= 1) return given;
  const lines = info.entries.map((e, i) => `  ${i + 1}. ${e}`).join('\n');
  const answer = await ask(`${info.name} holds several images:\n${lines}\nwhich one? [1-${info.entries.length}] `);
  const n = Number(answer);
  if (answer === null) throw new UsageError(`${info.name} holds several images: choose one with --entry (${info.entries.join(', ')})`);
  if (!Number.isInteger(n) || n < 1 || n > info.entries.length) throw new UsageError('no image chosen');
  return info.entries[n - 1];
}

/** Refuses ineligible drives before anything happens, naming each reason. */
function selectDrives(all: DriveStatus[], wanted: string[], allowLarge: boolean): DriveStatus[] {
  const problems: string[] = [];
  const chosen: DriveStatus[] = [];
  for (const device of wanted) {
    const d = all.find((x) => x.device === device);
    if (!d) {
      problems.push(`${device}: no such drive (walt-bench drives lists them; loop devices are never targets)`);
      continue;
    }
    if (!d.eligible) problems.push(...d.reasons.filter((r) => r.severity === 'block').map((r) => r.message));
    else if (d.needsConfirm && !allowLarge) {
      problems.push(`${device} is larger than 128 GB (${formatBytes(d.size ?? 0)}): add --allow-large if it really is the card`);
    } else chosen.push(d);
  }
  if (problems.length > 0) throw new RefusedError(problems);
  return chosen;
}

class RefusedError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/** A live progress display: one line per card, redrawn in place on a terminal, periodic lines otherwise. */
class ProgressView {
  private readonly cards = new Map<string, CardProgressEvent>();
  private drawn = 0;
  private lastPlain = 0;

  update(p: CardProgressEvent): void {
    this.cards.set(p.device, p);
    if (process.stderr.isTTY) {
      if (this.drawn > 0) process.stderr.write(`\x1b[${this.drawn}A`);
      for (const c of this.cards.values()) process.stderr.write(`\x1b[2K${progressLine(c)}\n`);
      this.drawn = this.cards.size;
    } else if (Date.now() - this.lastPlain > 2000 || p.phase === 'done' || p.phase === 'failed') {
      this.lastPlain = Date.now();
      process.stderr.write(progressLine(p) + '\n');
    }
  }
}

/** `walt-bench flash`: writes an image to one or more cards, verified and journaled. Exit 0 only if all succeed. */
export async function flashCommand(api: ApiClient, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    drive: { type: 'string', multiple: true, short: 'd' },
    entry: { type: 'string' },
    'no-verify': { type: 'boolean' },
    yes: { type: 'boolean', short: 'y' },
    'allow-large': { type: 'boolean' },
    grow: { type: 'boolean' },
    full: { type: 'boolean' },
    bmap: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new UsageError(`usage: walt-bench ${USAGE}`);
  const wanted = values.drive ?? [];
  if (wanted.length === 0) throw new UsageError(`name at least one --drive (usage: walt-bench ${USAGE})`);
  const image = resolve(positionals[0]!);
  const json = Boolean(values.json);
  const say = (text: string): void => {
    if (!json) process.stderr.write(text + '\n');
  };

  // The drive list starts alongside the image check (they share the inflation of a .gz): the same call as below
  // unless an entry is then chosen interactively.
  const listing = api.call('drives.list', { image, ...(values.entry ? { entry: values.entry } : {}) });
  listing.catch(() => undefined);
  let info = await api.call('image.inspect', { path: image });
  const entry = await chooseEntry(info, values.entry);
  if (entry) info = await api.call('image.inspect', { path: image, entry });
  for (const w of info.warnings) say(`warning: ${w}`);
  const size = info.size === null ? 'unknown size' : `${info.sizeIsEstimate ? '~' : ''}${formatBytes(info.size)}`;
  say(`image: ${info.name}${info.entry ? ` [${info.entry}]` : ''} (${info.kind}, ${size})`);
  if (info.card) {
    say(`  an archive of ${info.card.files} files (${formatBytes(info.card.contentBytes)}, ${info.card.artifact}): built into one FAT32 ` +
      `partition of ${values.grow ? 'the whole card' : formatBytes(info.card.partitionBytes)} at 4 MiB, written sparse`);
  }

  let drives: DriveStatus[];
  try {
    const listed = entry === values.entry ? await listing : await api.call('drives.list', { image, ...(entry ? { entry } : {}) });
    drives = selectDrives(listed, wanted, Boolean(values['allow-large']));
  } catch (error) {
    if (!(error instanceof RefusedError)) throw error;
    if (json) {
      jsonLine({ event: 'refused', reasons: error.problems });
      jsonLine({ event: 'error', code: 'refused', message: error.problems.join('; '), hint: 'nothing was written' });
    } else for (const p of error.problems) process.stderr.write(`refused: ${p}\n`);
    process.stderr.write('nothing was written\n');
    return EXIT.refused;
  }

  if (!values.yes) {
    say('\nThese cards will be ERASED:');
    for (const d of drives) say(`  ${d.device}  ${formatBytes(d.size ?? 0)}  ${d.description}${d.serial ? `  serial ${d.serial}` : ''}`);
    const answer = await ask('Type "yes" to write them: ');
    if (answer === null) throw new UsageError('no terminal to confirm on: add --yes to write without asking');
    if (answer.toLowerCase() !== 'yes') {
      say('cancelled: nothing was written');
      return EXIT.failed;
    }
  }

  const view = new ProgressView();
  // The session's id comes with its first progress event (decompression) or when flash.start returns.
  let sessionId: string | null = null;
  const cancel = (): void => {
    if (sessionId !== null) void api.call('flash.cancel', { sessionId }).catch(() => undefined);
  };
  const learn = (id: string): void => {
    if (sessionId !== null) return;
    sessionId = id;
    if (stop.received()) cancel();
  };
  const stop = onStopSignals(
    (signal) => {
      say(`\n${signal}: cancelling; the cards stop and are journaled (${signal === 'SIGINT' ? 'Ctrl-C' : 'a second signal'} again quits at once)`);
      cancel();
    },
    (signal) => say(`\n${signal}: quitting at once: the journal shows the cards being written as interrupted`),
  );
  const off = [
    api.on('flash.progress', (p) => {
      learn(p.sessionId);
      if (json) jsonLine({ event: 'progress', ...p });
      else view.update(p);
    }),
    api.on('flash.card-done', (d) => json && jsonLine({ event: 'card-done', ...d })),
  ];
  let results: CardResultData[];
  try {
    const done = new Promise<CardResultData[]>((resolveDone) => {
      off.push(api.on('flash.done', (d) => resolveDone(d.results)));
    });
    let session;
    try {
      session = await api.call('flash.start', {
        image,
        ...(entry ? { entry } : {}),
        drives: drives.map((d) => ({ device: d.device, size: d.size, description: d.description, serial: d.serial })),
        verify: !values['no-verify'],
        confirmLarge: Boolean(values['allow-large']),
        growToCard: Boolean(values.grow),
        full: Boolean(values.full),
        ...(values.bmap !== undefined ? { bmap: resolve(values.bmap) } : {}),
      });
    } catch (error) {
      const signal = stop.received();
      if (signal === null) throw error;
      const message = 'cancelled before any card was written: nothing was written';
      if (json) jsonLine({ event: 'cancelled', signal, message });
      else say(message);
      return SIGNAL_EXIT[signal];
    }
    learn(session.sessionId);
    results = await done;
  } finally {
    stop.dispose();
    for (const f of off) f();
  }
  if (json) {
    jsonLine({
      event: 'done',
      results: results.map((r) => ({ device: r.device, ok: r.ok, verified: r.verified, bytes: r.bytes, ...(r.mode ? { mode: r.mode } : {}), error: r.error })),
    });
  } else {
    for (const r of results) {
      const status = r.ok ? `ok${r.verified ? ', verified' : ''}` : r.cancelled ? 'cancelled' : 'FAILED';
      const how =
        r.mode === 'sparse' ? ' written (only the blocks in use)' : r.mode === 'bmap' ? ' written (the ranges of the bmap)' : r.mode === 'full' ? ' written (every byte)' : '';
      say(`${r.device}: ${status}, ${formatBytes(r.bytes)}${how} in ${formatDuration(r.durationMs / 1000)}${r.error ? `\n  ${r.error}` : ''}`);
    }
  }
  const signal = stop.received();
  if (signal !== null) return SIGNAL_EXIT[signal];
  return results.every((r) => r.ok) ? EXIT.ok : EXIT.failed;
}
