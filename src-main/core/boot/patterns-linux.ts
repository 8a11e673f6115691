import type { BootEventBody } from './boot-event.js';
import type { ClassifierContext } from './classifier-context.js';
import type { PatternTable } from './pattern.js';

const KV = /(\w+)=(\S*)/g;

/**
 * Linux (its first lines, and lines only a running kernel prints, for excerpts that start later), its panic and
 * restart, walt-init's `*** step ***` lines, the login prompt, walt-bench's probe line.
 */
export const LINUX: PatternTable = {
  family: 'linux',
  patterns: [
    { id: 'linux.physical-cpu', start: 'Booting Linux on physical CPU', from: ['18', '401'], on: (_m, _s, ctx, out) => started(ctx, out, null, true) },
    { id: 'linux.version', start: 'Linux version ', re: /^Linux version (\S+)/, from: ['18', '603'], on: (m, _s, ctx, out) => started(ctx, out, m![1]!, true) },
    { id: 'linux.efi-stub', start: 'EFI stub: ', from: ['13'], on: (_m, _s, ctx, out) => started(ctx, out, null, true) },
    { id: 'linux.uncompressing', start: 'Uncompressing Linux', from: ['07', '10', '827'], on: (_m, _s, ctx, out) => started(ctx, out, null, true) },
    {
      id: 'linux.running',
      start: ['IP-Config: ', 'VFS: Mounted root', 'Freeing unused kernel', 'Run /sbin/init', 'Run /init', 'Kernel command line: '],
      from: ['104', '607', '18'],
      on: (_m, _s, ctx, out) => started(ctx, out, null, false),
    },
    {
      id: 'linux.walt-step',
      start: '*** ',
      re: /^\*\*\* (.+?) \*\*\*$/,
      from: ['domain'],
      on: (m, _s, ctx, out) => (ctx.linux || /walt/i.test(m![1]!) ? void out.push({ kind: 'walt-init', step: m![1]!.replace(/\.+$/, '') }) : false),
    },
    {
      id: 'linux.probe',
      // The probe line only (WALT-BENCH start.<kind> key=value...): the "WALT-BENCH probe done: ..." line after it
      // carries no fields, and taken as a probe line it replaced what the probe printed with nothing.
      start: 'WALT-BENCH start.',
      re: /^WALT-BENCH (start\.\S+)(.*)$/,
      from: ['probe-script'],
      on: (m, _s, _ctx, out) => {
        const f: Record<string, string> = {};
        for (const kv of m![2]!.matchAll(KV)) f[kv[1]!] = kv[2]!;
        out.push({ kind: 'probe', model: f.model || null, vci: f.vci || null, mac: f.mac?.toLowerCase() || null, ip: f.ip || null });
      },
    },
    {
      id: 'linux.panic',
      has: 'Kernel panic',
      re: /Kernel panic - not syncing:?\s*(.*)$/,
      from: ['401', '603'],
      on: (m, _s, ctx, out) => {
        started(ctx, out, null, false);
        out.push({ kind: 'kernel-panic', message: m![1]! || 'Kernel panic' });
      },
    },
    {
      id: 'linux.login',
      has: ' login:',
      re: /^(\S+) login:(?:\s|$)/,
      from: ['17', '18'],
      on: (m, _s, _ctx, out) => void out.push({ kind: 'login-prompt', host: m![1]! }),
    },
  ],
};

/** Linux is running: the first such line of an attempt makes a linux-start event (`first` lines always do). */
function started(ctx: ClassifierContext, out: BootEventBody[], version: string | null, first: boolean): boolean {
  if (!first && ctx.linux) return true;
  ctx.linux = true;
  out.push({ kind: 'linux-start', version });
  return true;
}
