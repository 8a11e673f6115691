import { resolve } from 'node:path';
import type { ApiClient, EventName, EventPayload, StationJobData } from '../../api/contract.js';
import { formatBytes } from '../../core/util/format.js';
import { EXIT, parse, UsageError } from '../args.js';
import { cell, jsonLine } from '../output.js';
import { onStopSignals } from '../stop-signals.js';

const CLIENT = 'cli';

/** `walt-bench slots [--json]`, `slots enroll <slot>`, `slots forget <slot>`. */
export async function slotsCommand(api: ApiClient, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' } });
  const [verb, slot] = positionals;
  let slots;
  if (verb === undefined) slots = await api.call('slots.list', {});
  else if ((verb === 'enroll' || verb === 'forget') && slot !== undefined && positionals.length === 2) {
    slots = await api.call(verb === 'enroll' ? 'slots.enroll' : 'slots.forget', { slot, client: CLIENT });
  } else throw new UsageError('usage: walt-bench slots [--json] | slots enroll <slot> | slots forget <slot>');
  if (values.json) {
    jsonLine(slots);
    return EXIT.ok;
  }
  if (slots.length === 0) console.log('no slots found');
  for (const s of slots) {
    const card = s.card ? `${formatBytes(s.card.size)} ${s.card.description}` : s.device ? 'empty' : 'reader not plugged in';
    console.log(`${s.enrolled ? '*' : ' '} ${cell(s.slot, 48)} ${cell(s.device ?? '-', 12)} ${card}${s.jobId ? ` (job ${s.jobId})` : ''}`);
  }
  return EXIT.ok;
}

/**
 * `walt-bench station-job --slot S [--slot ...] <artifact> [--count N] [--no-verify] [--json]`: arms a job, prints a
 * line per card event, and ends when the count is reached (or on Ctrl-C: the job is disarmed). Exit 0 when the count
 * was reached with no failure, 1 when a card failed.
 */
export async function stationJobCommand(api: ApiClient, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    slot: { type: 'string', multiple: true },
    count: { type: 'string' },
    entry: { type: 'string' },
    'no-verify': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  const slots = values.slot ?? [];
  if (positionals.length !== 1 || slots.length === 0) throw new UsageError('usage: walt-bench station-job --slot S [--slot ...] <artifact-or-image> [--count N] [--no-verify] [--json]');
  const count = values.count === undefined ? null : Number(values.count);
  if (count !== null && (!Number.isInteger(count) || count <= 0)) throw new UsageError('--count takes a positive whole number');
  const say = (event: string, payload: object, text: string): void => {
    if (values.json) jsonLine({ event, ...payload });
    else console.log(text);
  };
  let failed = 0;
  let jobId: string | null = null;
  let finish: (job: StationJobData) => void = () => undefined;
  const ended = new Promise<StationJobData>((r) => (finish = r));
  const mine = <E extends EventName>(p: EventPayload<E>): boolean => jobId !== null && (p as { jobId?: string }).jobId === jobId;
  const offs = [
    api.on('station.card-started', (p) => mine<'station.card-started'>(p) && say('card-started', p, `${p.card.slot}: card started on ${p.card.device}`)),
    api.on('station.card-done', (p) => mine<'station.card-done'>(p) && say('card-done', p, p.announcement)),
    api.on('station.card-failed', (p) => {
      if (!mine<'station.card-failed'>(p)) return;
      failed += 1;
      say('card-failed', p, p.announcement);
    }),
    api.on('station.job-changed', (p) => {
      if (p.job.jobId === jobId && p.job.state !== 'armed') finish(p.job);
    }),
  ];
  const job = await api.call('stationJob.arm', { artifact: resolve(positionals[0]!), ...(values.entry ? { entry: values.entry } : {}), slots, verify: !values['no-verify'], count, client: CLIENT });
  jobId = job.jobId;
  say('armed', { job }, `job ${job.jobId} armed on ${job.slots.length} slot(s): insert cards (Ctrl-C disarms)`);
  for (const t of job.tiles) if (t.state === 'present-at-arm') say('present-at-arm', { slot: t.slot }, `${t.slot}: ${t.message}`);
  const stop = onStopSignals(
    () => void api.call('stationJob.disarm', { jobId: job.jobId, client: CLIENT }).catch(() => undefined),
    () => undefined,
  );
  try {
    const last = await ended;
    // Cards still being written after a disarm finish (and are announced) before the command ends.
    let final = last;
    while (final.inProgress > 0) {
      await new Promise((r) => setTimeout(r, 100));
      final = (await api.call('stationJob.status', { jobId: job.jobId })).jobs[0]!;
    }
    say('job-ended', { job: final }, `job ${final.jobId} ${final.state}: ${final.done} done, ${final.failed} failed (${final.endReason})`);
    if (failed > 0 || final.failed > 0) return EXIT.failed;
    return final.state === 'complete' ? EXIT.ok : EXIT.failed;
  } finally {
    stop.dispose();
    for (const off of offs) off();
  }
}
