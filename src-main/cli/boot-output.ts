import type { BootEvent } from '../core/boot/boot-event.js';
import type { Stage } from '../core/boot/stages.js';
import type { BootVerdict, Outcome } from '../core/boot/verdict.js';
import { assertNever } from '../core/util/assert-never.js';
import { formatBytes } from '../core/util/format.js';

/** Exit status of `analyze` and `watch` for each outcome (0 success; 2 stays "usage", 1 "could not run"). */
export const OUTCOME_EXIT: Record<Outcome, number> = {
  success: 0,
  'link-down': 10,
  'dhcp-failure': 11,
  'tftp-not-found': 12,
  'tftp-timeout': 13,
  'arp-failure': 14,
  other: 15,
};

/** The exit-status table, for the help text. */
export const OUTCOME_EXIT_HELP = Object.entries(OUTCOME_EXIT).map(([o, n]) => `${n} ${o}`).join(', ');

/** Seconds since power-on, e.g. "+1.234s". */
function since(ms: number | null): string {
  return ms === null ? '       ' : `+${(ms / 1000).toFixed(3)}s`.padStart(8);
}

/** The mark of a stage's state. */
function mark(s: Stage['state']): string {
  switch (s) {
    case 'pending':
      return ' ';
    case 'active':
      return '>';
    case 'done':
      return '+';
    case 'failed':
      return 'X';
    default:
      return assertNever(s, 'stage state');
  }
}

/** The timeline as text rows. */
export function timelineText(stages: readonly Stage[]): string {
  return stages
    .filter((s) => s.state !== 'pending')
    .map((s) => `  [${mark(s.state)}] ${since(s.at)}  ${s.label.padEnd(24)} ${s.detail ?? ''}${s.opened ? `  (line ${s.opened.line})` : ''}`.trimEnd())
    .join('\n');
}

/** A verdict for people: outcome, timeline, files, address, diagnosis and hints. */
export function verdictText(v: BootVerdict): string {
  const lines = [`outcome: ${v.outcome} (confidence ${v.confidence})${v.final ? '' : ' (not final)'}`, timelineText(v.stages)];
  if (v.evidence.length > 0) {
    lines.push('evidence:');
    for (const e of v.evidence) lines.push(`  line ${String(e.line).padStart(5)} ${e.role.padEnd(7)} ${e.text.trim()}`);
  }
  if (v.files.length > 0) {
    lines.push('files:');
    for (const f of v.files) lines.push(`  ${f.status.padEnd(9)} ${f.name}${f.size === null ? '' : ` (${formatBytes(f.size)})`}${f.server ? ` from ${f.server}` : ''}`);
  }
  if (v.ip) lines.push(`address: ${v.ip}${v.server ? `  server: ${v.server}` : ''}`);
  if (v.resets > 0) lines.push(`resets: ${v.resets}${v.resetLoop ? ' (reset loop)' : ''}`);
  lines.push(`diagnosis: ${v.diagnosis}`);
  for (const h of v.hints) lines.push(`  hint: ${h}`);
  return lines.join('\n') + '\n';
}

/** The JSON object of `analyze --json` / `watch --json`'s last line. */
export function verdictJson(v: BootVerdict, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    outcome: v.outcome,
    confidence: v.confidence,
    evidence: v.evidence,
    final: v.final,
    furthestStage: v.furthestStage,
    stages: v.stages,
    files: v.files,
    ip: v.ip,
    server: v.server,
    mac: v.mac,
    loaders: v.loaders,
    board: v.board,
    resets: v.resets,
    resetLoop: v.resetLoop,
    expectedModel: v.expectedModel,
    reportedModel: v.reportedModel,
    diagnosis: v.diagnosis,
    hints: v.hints,
    decidingLine: v.decidingLine,
    ...extra,
  };
}

/** One live event as a line of text (stage events only; progress and details stay quiet). */
export function eventText(e: BootEvent, origin: number): string | null {
  const t = `+${((e.t - origin) / 1000).toFixed(3)}s`.padStart(9);
  if (e.kind === 'tftp-progress') return null;
  return `${t}  ${e.kind.padEnd(14)} ${e.text.trim()}`;
}
