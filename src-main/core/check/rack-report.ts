import { macVendor } from '../net/oui.js';
import { assertNever } from '../util/assert-never.js';
import type { RackBoard } from './rack-types.js';

/** The formats a rack report is written in. */
export const REPORT_FORMATS = ['csv', 'json', 'html'] as const;
/** One report format. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Who made the report, when, on which link. */
export interface ReportMeta {
  who: string;
  whenIso: string;
  iface: string;
}

/** The report format named by a file's extension, or null. */
export function reportFormatOf(file: string): ReportFormat | null {
  const ext = /\.([^./]+)$/.exec(file)?.[1]?.toLowerCase() ?? '';
  return (REPORT_FORMATS as readonly string[]).includes(ext) ? (ext as ReportFormat) : null;
}

/** One CSV cell: formula starters prefixed with ', quoted (RFC 4180) when needed. */
function csvCell(value: string): string {
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The files a board fetched, as one text. */
function filesText(b: RackBoard): string {
  return b.files.map((f) => `${f.name} (${f.result}${f.bytes === null ? '' : `, ${f.bytes} B`})`).join('; ');
}

/** The rack's boards as CSV (one row per board, one column per check). */
export function rackCsv(boards: RackBoard[]): string {
  const checkIds = boards[0]?.checks.map((c) => c.id) ?? [];
  const head = ['mac', 'vendor', 'model_expected', 'model_sent', 'vci', 'ip', 'files', ...checkIds, 'attempts', 'verdict', 'diagnosis'];
  const rows = boards.map((b) => [
    b.mac, macVendor(b.mac) ?? '', b.model ?? '', b.modelSent ?? '', b.vci ?? '', b.ip ?? '', filesText(b),
    ...checkIds.map((id) => b.checks.find((c) => c.id === id)?.state ?? ''), String(b.attempts), b.verdict, b.diagnosis ?? '',
  ]);
  return [head, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** The rack's report as JSON (meta, summary, boards with their vendor). */
export function rackJson(boards: RackBoard[], meta: ReportMeta): string {
  const passed = boards.filter((b) => b.verdict === 'pass').length;
  return `${JSON.stringify({ ...meta, passed, total: boards.length, boards: boards.map((b) => ({ ...b, vendor: macVendor(b.mac) })) }, null, 2)}\n`;
}

/** HTML-escapes a text. */
function esc(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const CSS = 'body{font:13px sans-serif;margin:2em}table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:3px 6px;text-align:left;vertical-align:top}.pass{color:#060}.fail{color:#b00}.pending{color:#a60}@media print{body{margin:0}}';

/** The rack's report as a printable self-contained HTML page (inline CSS, no scripts, everything escaped). */
export function rackHtml(boards: RackBoard[], meta: ReportMeta): string {
  const passed = boards.filter((b) => b.verdict === 'pass').length;
  const rows = boards.map((b) => {
    const checks = b.checks.map((c) => `${esc(c.id)}: ${esc(c.state)}`).join('<br>');
    const cells = [b.mac, macVendor(b.mac) ?? '-', b.model ?? '?', b.modelSent ?? b.vci ?? '-', b.ip ?? '-', filesText(b) || '-'].map((v) => `<td>${esc(v)}</td>`).join('');
    const why = b.diagnosis ? `<br>${esc(b.diagnosis)}` : '';
    return `<tr>${cells}<td>${checks}</td><td>${b.attempts}</td><td class="${esc(b.verdict)}">${esc(b.verdict.toUpperCase())}${why}</td></tr>`;
  });
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8"><title>WalT rack boot check</title>',
    `<style>${CSS}</style></head><body>`,
    '<h1>WalT rack boot check</h1>',
    `<p>By ${esc(meta.who)}, ${esc(meta.whenIso)}, on ${esc(meta.iface)}</p>`,
    `<p><strong>${passed} of ${boards.length} passed</strong></p>`,
    '<table><thead><tr><th>MAC</th><th>Vendor</th><th>Model expected</th><th>Model sent</th><th>IP</th><th>Files</th><th>Checks</th><th>Attempts</th><th>Verdict</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody></table>`,
    '</body></html>',
    '',
  ].join('\n');
}

/** The report of the rack in a format. */
export function rackReport(format: ReportFormat, boards: RackBoard[], meta: ReportMeta): string {
  switch (format) {
    case 'csv':
      return rackCsv(boards);
    case 'json':
      return rackJson(boards, meta);
    case 'html':
      return rackHtml(boards, meta);
    default:
      return assertNever(format);
  }
}

