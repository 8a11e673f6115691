import { hostname, userInfo } from 'node:os';
import { rackReport, type ReportFormat, type ReportMeta } from '../../core/check/rack-report.js';
import type { RackBoard } from '../../core/check/rack-types.js';
import { processCaller } from '../access/caller.js';
import { checkOutput, type OutputTarget, writeOutput } from '../access/output-file.js';

/** Checks a rack report's output path before the check starts (the output rules of services/access, as this user). */
export function checkReportOutput(file: string, overwrite: boolean): OutputTarget {
  return checkOutput(file, { caller: processCaller(), overwrite, sources: [], deviceHint: 'name a report file such as rack.html' });
}

/** "user@host" of this process, for the report's "who". */
export function reportWho(): string {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = String(process.getuid?.() ?? '?');
  }
  return `${user}@${hostname()}`;
}

/** Writes a rack report through writeOutput (a .part file put in place, given to the caller). */
export async function writeRackReport(target: OutputTarget, format: ReportFormat, boards: RackBoard[], meta: ReportMeta): Promise<void> {
  const text = rackReport(format, boards, meta);
  await writeOutput(target, async (fh) => {
    await fh.writeFile(text, 'utf8');
  });
}
