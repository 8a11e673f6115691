import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ApiClient } from '../../api/contract.js';
import { parseExpectMap } from '../../core/check/expect-map.js';
import { REPORT_FORMATS, reportFormatOf } from '../../core/check/rack-report.js';
import type { RackBoard, RackExpect } from '../../core/check/rack-types.js';
import { macVendor } from '../../core/net/oui.js';
import { checkReportOutput, reportWho, writeRackReport } from '../../services/check/rack-report-file.js';
import { EXIT, parse, UsageError } from '../args.js';
import { cell, jsonLine } from '../output.js';
import { ifaceOrSetting } from '../setting-defaults.js';
import { onStopSignals } from '../stop-signals.js';

const MARK: Record<string, string> = { pending: '…', ok: '✔', failed: '✘', skipped: '–' };

/** The rack as a table: one row per board (MAC, vendor, model expected/sent, IP, the five checks, attempts, verdict). */
function table(boards: RackBoard[]): string {
  const head = `${cell('MAC', 18)} ${cell('VENDOR', 14)} ${cell('EXPECTED', 12)} ${cell('SENT', 14)} ${cell('IP', 16)} CHECKS ${cell('TRY', 4)} VERDICT`;
  const rows = boards.map((b) => {
    const marks = b.checks.map((c) => MARK[c.state]).join('');
    const why = b.verdict === 'fail' && b.diagnosis ? `  ${b.diagnosis}` : '';
    return `${cell(b.mac, 18)} ${cell(macVendor(b.mac) ?? '-', 14)} ${cell(b.model ?? '?', 12)} ${cell(b.modelSent ?? b.vci ?? '-', 14)} ${cell(b.ip ?? '-', 16)} ${cell(marks, 6)} ${cell(String(b.attempts), 4)} ${b.verdict.toUpperCase()}${why}`;
  });
  return [head, ...rows].join('\n');
}

/**
 * `walt-bench check --iface IF --all [--expect MODEL | --expect-map FILE] [--port P ...] [--json] [--timeout S] [--report FILE.csv|.json|.html [--overwrite]]`:
 * follows every board on the link until each has its verdict. Exit 0 only when every board seen passed.
 */
export async function checkRackCommand(api: ApiClient, argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    iface: { type: 'string', short: 'i' },
    all: { type: 'boolean' },
    expect: { type: 'string', short: 'e' },
    'expect-map': { type: 'string' },
    observe: { type: 'boolean' },
    root: { type: 'string' },
    port: { type: 'string', multiple: true },
    timeout: { type: 'string' },
    json: { type: 'boolean' },
    report: { type: 'string' },
    overwrite: { type: 'boolean' },
  }, false);
  if (values.expect && values['expect-map']) throw new UsageError('--expect (one model for all) and --expect-map (one per board) exclude each other');
  if (values.observe && values.root) throw new UsageError('--observe watches a real WalT server: it takes no --root');
  const iface = await ifaceOrSetting(api, values.iface);
  const timeoutS = values.timeout === undefined ? 120 : Number(values.timeout);
  if (!Number.isInteger(timeoutS) || timeoutS < 5) throw new UsageError('--timeout takes whole seconds (at least 5)');
  const reportFormat = values.report === undefined ? null : reportFormatOf(values.report);
  if (values.report !== undefined && reportFormat === null) {
    throw new UsageError(`--report ${values.report}: the format comes from the extension, one of ${REPORT_FORMATS.map((f) => `.${f}`).join(', ')}`);
  }
  const reportTarget = values.report === undefined ? null : checkReportOutput(values.report, Boolean(values.overwrite));
  let expect: RackExpect = { kind: 'any' };
  if (values.expect) expect = { kind: 'model', model: values.expect.replace(/^walt\.node\./, '') };
  if (values['expect-map']) {
    const file = values['expect-map'];
    const text = await readFile(file, 'utf8').catch((e: Error) => {
      throw new UsageError(`cannot read the expect map ${file}: ${e.message}`);
    });
    const parsed = parseExpectMap(text);
    if (!parsed.ok) throw new UsageError(`${file}: ${parsed.error}`);
    expect = { kind: 'map', map: parsed.map };
  }
  const json = Boolean(values.json);
  let shown = '';
  const boards = new Map<string, RackBoard>();
  const showTable = (): void => {
    const text = table([...boards.values()]);
    if (text !== shown) process.stdout.write(`${text}\n\n`);
    shown = text;
  };
  const off: (() => void)[] = [];
  try {
    let finish: (b: RackBoard[]) => void = () => undefined;
    const done = new Promise<RackBoard[]>((ok) => (finish = ok));
    off.push(api.on('check.rackDone', (s) => finish(s.boards)));
    off.push(
      api.on('check.rackEvent', (e) => {
        boards.set(e.board.mac, e.board);
        if (json) jsonLine({ event: e.kind, check: e.check, ...e.board });
        else showTable();
      }),
    );
    off.push(api.on('bench.status', (s) => !json && process.stderr.write(`${s.message}\n`)));
    const stop = onStopSignals(() => void api.call('check.rackStop', {}).then((s) => finish(s?.boards ?? [])), () => undefined);
    off.push(() => stop.dispose());
    await api.call('check.rackStart', {
      iface,
      expect,
      mode: values.observe ? 'observe' : 'serve',
      timeoutS,
      ports: (values.port ?? []).map((p) => resolve(p)),
      ...(values.root ? { root: resolve(values.root) } : {}),
    });
    const final = await done;
    if (reportTarget && reportFormat) {
      await writeRackReport(reportTarget, reportFormat, final, { who: reportWho(), whenIso: new Date().toISOString(), iface });
      if (!json) process.stderr.write(`report written to ${reportTarget.path}\n`);
    }
    if (json) {
      jsonLine({ boards: final.map((b) => ({ mac: b.mac, vendor: macVendor(b.mac), verdict: b.verdict, model: b.model, modelSent: b.modelSent, vci: b.vci, uci: b.uci, ip: b.ip, files: b.files, checks: b.checks, attempts: b.attempts, port: b.port, diagnosis: b.diagnosis })) });
    } else {
      for (const b of final) boards.set(b.mac, b);
      showTable();
      const passed = final.filter((b) => b.verdict === 'pass').length;
      process.stdout.write(final.length ? `${passed}/${final.length} boards passed\n` : 'no board seen on the link\n');
    }
    return final.length > 0 && final.every((b) => b.verdict === 'pass') ? EXIT.ok : EXIT.failed;
  } finally {
    for (const f of off) f();
  }
}
