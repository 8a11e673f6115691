import { resolve } from 'node:path';
import type { ApiClient } from '../../api/contract.js';
import type { CheckVerdict } from '../../core/check/boot-check.js';
import { EXIT, parse, UsageError } from '../args.js';
import { jsonLine } from '../output.js';
import { checkRackCommand } from './check-rack.js';
import { ifaceOrSetting } from '../setting-defaults.js';
import { onStopSignals } from '../stop-signals.js';

const MARK: Record<string, string> = { pending: '…', ok: '✔', failed: '✘', skipped: '–' };

/** The checklist as a technician reads it. */
function render(v: CheckVerdict): string {
  const lines = v.checks.map((c) => `  ${MARK[c.state]} ${c.title}${c.evidence ? `\n      ${c.evidence}` : ''}`);
  const head = v.verdict === 'pending' ? 'checking...' : v.verdict === 'pass' ? `PASS: the board boots as walt.node.${v.model}` : `FAIL (walt.node.${v.model})`;
  return [head, ...lines, ...(v.verdict === 'fail' && v.diagnosis ? [`  diagnosis: ${v.diagnosis}`] : [])].join('\n');
}

/**
 * `walt-bench check --iface IF --expect MODEL [--port TTY] [--observe] [--root DIR] [--mac MAC] [--timeout S] [--json]`: runs the
 * bench and watches one board until the verdict. Exit 0 only on pass.
 */
export async function checkCommand(api: ApiClient, argv: string[]): Promise<number> {
  if (argv.includes('--all')) return checkRackCommand(api, argv);
  const { values } = parse(argv, {
    iface: { type: 'string', short: 'i' },
    expect: { type: 'string', short: 'e' },
    observe: { type: 'boolean' },
    serve: { type: 'boolean' },
    root: { type: 'string' },
    mac: { type: 'string' },
    port: { type: 'string' },
    timeout: { type: 'string' },
    json: { type: 'boolean' },
  }, false);
  if (!values.expect) throw new UsageError('name the expected node model with --expect (e.g. --expect rpi-4-b, or any new model)');
  if (values.observe && (values.serve || values.root)) throw new UsageError('--observe watches a real WalT server: it takes neither --serve nor --root');
  const iface = await ifaceOrSetting(api, values.iface);
  const timeoutS = values.timeout === undefined ? 120 : Number(values.timeout);
  if (!Number.isInteger(timeoutS) || timeoutS < 5) throw new UsageError('--timeout takes whole seconds (at least 5)');
  const json = Boolean(values.json);
  let lastShown = '';
  const show = (v: CheckVerdict, final = false): void => {
    if (json) {
      jsonLine(final ? { verdict: v.verdict, model: v.model, mac: v.mac, vci: v.vci, uci: v.uci, ip: v.ip, files: v.files, checks: v.checks, diagnosis: v.diagnosis } : { event: 'update', ...v });
      return;
    }
    const text = render(v);
    if (text !== lastShown) process.stdout.write(`${text}\n\n`);
    lastShown = text;
  };
  const off: (() => void)[] = [];
  try {
    const done = new Promise<CheckVerdict>((resolveDone) => off.push(api.on('check.done', (v) => resolveDone(v))));
    off.push(api.on('check.update', (v) => show(v)));
    off.push(api.on('bench.status', (s) => !json && process.stderr.write(`${s.message}\n`)));
    const stop = onStopSignals(
      () => void api.call('check.stop', {}),
      () => undefined,
    );
    off.push(() => stop.dispose());
    await api.call('check.start', {
      iface,
      expect: values.expect,
      mode: values.observe ? 'observe' : 'serve',
      timeoutS,
      ...(values.root ? { root: resolve(values.root) } : {}),
      ...(values.mac ? { mac: values.mac } : {}),
      ...(values.port ? { port: resolve(values.port) } : {}),
    });
    const v = await done;
    show(v, true);
    return v.verdict === 'pass' ? EXIT.ok : EXIT.failed;
  } finally {
    for (const f of off) f();
  }
}
