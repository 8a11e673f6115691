import type { BootEvent } from '../boot/boot-event.js';
import type { ConsoleSeen } from './inputs.js';

/** The console facts the boot check uses, from the boot analyzer's events (`at` is the event's arrival time). */
export function consoleFactOf(e: BootEvent): ConsoleSeen | null {
  switch (e.kind) {
    case 'dhcp-bound':
      return { at: e.t, kind: 'dhcp-bound', ip: e.ip };
    case 'tftp-file':
      return { at: e.t, kind: 'tftp-file', file: e.file };
    case 'tftp-done':
      return { at: e.t, kind: 'tftp-done', file: e.file, bytes: e.bytes };
    case 'tftp-error':
      return { at: e.t, kind: 'tftp-error', message: e.message, notFound: e.notFound };
    case 'script-exec':
      return { at: e.t, kind: 'script-exec' };
    case 'script-error':
      return { at: e.t, kind: 'script-error', message: e.message };
    case 'probe':
      return { at: e.t, kind: 'probe', model: e.model, vci: e.vci, mac: e.mac, ip: e.ip };
    case 'reset':
      return { at: e.t, kind: 'reset' };
    default:
      return null;
  }
}
