import type { ApiClient } from '../../api/contract.js';
import type { BootVerdict } from '../../core/boot/verdict.js';
import { EXIT, parse, UsageError } from '../args.js';
import { eventText, OUTCOME_EXIT, verdictJson, verdictText } from '../boot-output.js';
import { jsonLine } from '../output.js';
import { baudOrSetting } from '../setting-defaults.js';

/**
 * `walt-bench watch <port> [--expect <model>] [--json] [--timeout S] [--baud N]`: streams the boot's events live
 * and exits at the verdict (or at the timeout) with the verdict as exit status (see OUTCOME_EXIT).
 */
export async function watchCommand(api: ApiClient, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    expect: { type: 'string' },
    json: { type: 'boolean' },
    timeout: { type: 'string' },
    baud: { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError('watch takes one port, e.g. /dev/ttyUSB0');
  const timeout = values.timeout === undefined ? 300 : Number(values.timeout);
  if (!(timeout > 0)) throw new UsageError('--timeout takes a number of seconds');
  const baudRate = await baudOrSetting(api, values.baud);
  const session = await api.call('serial.open', { path: positionals[0]!, baudRate, expect: values.expect ?? null });
  const id = session.sessionId;
  let origin: number | null = null;
  if (values.json) jsonLine({ event: 'open', sessionId: id, path: session.path, name: session.name, baudRate, textLog: session.textLog });
  else process.stderr.write(`watching ${session.path} (${session.name}) at ${baudRate} 8N1, for ${timeout} s; log: ${session.textLog}\n`);
  const done = new Promise<{ verdict: BootVerdict; timedOut: boolean }>((resolveDone) => {
    const offBoot = api.on('serial.boot', (p) => {
      if (p.sessionId !== id) return;
      for (const e of p.events) {
        origin ??= e.t;
        if (values.json) jsonLine({ event: 'boot', ...e });
        else {
          const line = eventText(e, origin);
          if (line) process.stdout.write(line + '\n');
        }
      }
    });
    const offState = api.on('serial.state', (p) => {
      if (p.sessionId !== id) return;
      if (values.json) jsonLine({ event: 'state', state: p.state, message: p.message });
      else process.stderr.write(`-- ${p.message}\n`);
    });
    const finish = (verdict: BootVerdict, timedOut: boolean): void => {
      clearTimeout(timer);
      offBoot();
      offState();
      offVerdict();
      resolveDone({ verdict, timedOut });
    };
    const offVerdict = api.on('serial.verdict', (p) => p.sessionId === id && finish(p.verdict, false));
    const timer = setTimeout(() => {
      void api.call('serial.status', { sessionId: id }).then((s) => finish(s.verdict, true));
    }, timeout * 1000);
  });
  const { verdict, timedOut } = await done;
  await api.call('serial.close', { sessionId: id }).catch(() => undefined);
  if (values.json) jsonLine({ event: 'verdict', ...verdictJson(verdict, { timedOut }) });
  else process.stdout.write(`${timedOut ? `-- timeout after ${timeout} s\n` : ''}${verdictText(verdict)}`);
  return OUTCOME_EXIT[verdict.outcome] ?? EXIT.failed;
}
