import { join } from 'node:path';
import type { ApiClient, DoctorReportData } from '../../api/contract.js';
import { doctorCommands } from '../../api/domains/doctor.js';
import { DoctorService } from '../../services/doctor/doctor-service.js';
import { systemProbes } from '../../services/doctor/system-probes.js';
import { SettingsStore } from '../../services/settings/settings.js';
import { EXIT, parse } from '../args.js';
import { cell, jsonLine } from '../output.js';

const MARK: Record<DoctorReportData['worst'], string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };

/**
 * `walt-bench doctor [--json]`: the system check (raw disk access, dialout, udevadm, ports 67/69, tcpdump, the state
 * folder, free space, virtual drives, versions), each with what was found and the exact fix. Exit 0 when nothing
 * fails (warnings allowed), 1 when a check fails.
 */
export async function doctorCommand(api: ApiClient, argv: string[]): Promise<number> {
  const { values } = parse(argv, { json: { type: 'boolean' } }, false);
  const report = await api.call('doctor.run', {});
  if (values.json) jsonLine(report);
  else printReport(report);
  return report.worst === 'fail' ? EXIT.failed : EXIT.ok;
}

/** The report as text: one line per check, its finding, and the fix under it. */
function printReport(report: DoctorReportData): void {
  console.log(`walt-bench system check as ${report.user.name} (uid ${report.user.uid}) on ${report.platform}`);
  for (const c of report.checks) {
    console.log(`${MARK[c.state]}  ${cell(c.title, 34)} ${c.found}`);
    if (c.fix) console.log(`${' '.repeat(6)}fix: ${c.fix}`);
  }
  const fails = report.checks.filter((c) => c.state === 'fail').length;
  const warns = report.checks.filter((c) => c.state === 'warn').length;
  console.log(fails + warns === 0 ? 'everything ok' : `${fails} failed, ${warns} warning${warns === 1 ? '' : 's'}`);
}

/**
 * The API of doctor alone, for when the backend cannot start (an unsafe state folder is refused before any command
 * runs): the same service and the same output schema, so the check can still say what is wrong and how to fix it.
 */
export function doctorOnlyClient(home: string, env: NodeJS.ProcessEnv = process.env): ApiClient {
  return {
    async call(name) {
      if (name !== 'doctor.run') throw new Error(`${name} is not available: the backend did not start`);
      const settings = new SettingsStore(join(home, 'settings.json'), env);
      const probes = systemProbes({
        home,
        cacheDir: join(home, 'cache'),
        helperRunning: false,
        env,
        virtualDrives: () => ({ on: settings.get().includeVirtualDrives, forcedByEnv: env.WALT_BENCH_VIRTUAL_DRIVES === '1' }),
        catalogSource: () => settings.get().catalogSource,
      });
      return doctorCommands['doctor.run'].output.parse(await new DoctorService(probes).run()) as never;
    },
    on: () => () => undefined,
  };
}
