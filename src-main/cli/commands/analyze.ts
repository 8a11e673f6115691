import type { ApiClient } from '../../api/contract.js';
import { parse, UsageError } from '../args.js';
import { OUTCOME_EXIT, verdictJson, verdictText } from '../boot-output.js';
import { resolve } from 'node:path';

/** `walt-bench analyze <logfile> [--expect <model>] [--json]`: the timeline and verdict of a captured console log. */
export async function analyzeCommand(api: ApiClient, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { expect: { type: 'string' }, json: { type: 'boolean' } });
  if (positionals.length !== 1) throw new UsageError('analyze takes one log file');
  const { verdict, eventCount, eventsDropped } = await api.call('serial.analyze', { path: resolve(positionals[0]!), expect: values.expect ?? null, maxLines: 0 });
  if (values.json) process.stdout.write(JSON.stringify(verdictJson(verdict, { events: eventCount, eventsDropped })) + '\n');
  else process.stdout.write(verdictText(verdict));
  return OUTCOME_EXIT[verdict.outcome];
}
