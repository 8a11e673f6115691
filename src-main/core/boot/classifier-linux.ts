import type { BootEventBody } from './boot-event.js';
import { type ClassifierContext, type LineRule, type LineScan } from './classifier-context.js';

const LINUX_VERSION = /^Linux version (\S+)/;
const PANIC = /Kernel panic - not syncing:?\s*(.*)$/;
const WALT_STEP = /^\*\*\* (.+?) \*\*\*$/;
const LOGIN = /^(\S+) login:(?:\s|$)/;
const PROBE = /^WALT-BENCH (\S+)(.*)$/;
const KV = /(\w+)=(\S*)/g;

/** Linux (first line, panic, restart), walt-init's `*** step ***` lines, the login prompt, the probe line. */
export const linuxRule: LineRule = (s: string, _ctx: ClassifierContext, out: BootEventBody[], scan: LineScan): boolean => {
  let m: RegExpExecArray | null;
  switch (s.charCodeAt(0)) {
    case 0x42: // B
      if (s.startsWith('Booting Linux on physical CPU')) {
        out.push({ kind: 'linux-start', version: null });
        return true;
      }
      break;
    case 0x4c: // L
      if ((m = LINUX_VERSION.exec(s))) {
        out.push({ kind: 'linux-start', version: m[1]! });
        return true;
      }
      break;
    case 0x45: // E
      if (s.startsWith('EFI stub: ')) {
        out.push({ kind: 'linux-start', version: null });
        return true;
      }
      break;
    case 0x55: // U
      if (s.startsWith('Uncompressing Linux')) {
        out.push({ kind: 'linux-start', version: null });
        return true;
      }
      break;
    case 0x2a: // *
      if ((m = WALT_STEP.exec(s))) {
        out.push({ kind: 'walt-init', step: m[1]!.replace(/\.+$/, '') });
        return true;
      }
      break;
    case 0x57: // W
      if ((m = PROBE.exec(s))) {
        const f: Record<string, string> = {};
        for (const kv of m[2]!.matchAll(KV)) f[kv[1]!] = kv[2]!;
        out.push({ kind: 'probe', model: f.model || null, vci: f.vci || null, mac: f.mac?.toLowerCase() || null, ip: f.ip || null });
        return true;
      }
      break;
    case 0x72: // r
      if (s.startsWith('reboot: Restarting system')) {
        out.push({ kind: 'reset', reason: 'kernel-restart' });
        return true;
      }
      break;
    default:
      break;
  }
  if (scan.anywhere && s.includes('Kernel panic') && (m = PANIC.exec(s))) {
    out.push({ kind: 'kernel-panic', message: m[1]! || 'Kernel panic' });
    return true;
  }
  if (scan.firstSpace > 0 && s.startsWith(' login:', scan.firstSpace) && (m = LOGIN.exec(s))) {
    out.push({ kind: 'login-prompt', host: m[1]! });
    return true;
  }
  return false;
};
