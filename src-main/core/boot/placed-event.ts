import { assertNever } from '../util/assert-never.js';
import type { BootEvent, BootEventBody } from './boot-event.js';

/**
 * An event body with its place, as a new object of the event's final shape. Adding the place fields to the body
 * instead (the patterns create bodies of some thirty shapes) costs four slow stores that grow the object twice;
 * building the event whole costs one allocation, and each case reads one shape only. The fields keep the order of
 * the body (the order of BootEventBody, which every pattern follows), then t, line, cycle, text: the order the
 * events always had. A field added to a body type must be added here (the compiler asks for a required one).
 */
export function placedEvent(b: BootEventBody, t: number, line: number, cycle: number, text: string): BootEvent {
  switch (b.kind) {
    case 'banner':
      return { kind: b.kind, loader: b.loader, version: b.version, t, line, cycle, text };
    case 'board':
      return { kind: b.kind, name: b.name, t, line, cycle, text };
    case 'autoboot':
    case 'no-net-device':
    case 'dhcp-no-server':
    case 'arp-failed':
      return { kind: b.kind, t, line, cycle, text };
    case 'net-device':
      return { kind: b.kind, device: b.device, t, line, cycle, text };
    case 'link-wait':
      return { kind: b.kind, device: b.device, mac: b.mac, t, line, cycle, text };
    case 'link-up':
      return { kind: b.kind, detail: b.detail, t, line, cycle, text };
    case 'link-down':
    case 'dhcp-failed':
    case 'tftp-timeout':
      if ('tentative' in b) return { kind: b.kind, reason: b.reason, tentative: b.tentative, t, line, cycle, text };
      return { kind: b.kind, reason: b.reason, t, line, cycle, text };
    case 'dhcp-request':
      return { kind: b.kind, attempt: b.attempt, iface: b.iface, mac: b.mac, t, line, cycle, text };
    case 'dhcp-bound':
      return { kind: b.kind, ip: b.ip, server: b.server, ms: b.ms, t, line, cycle, text };
    case 'tftp-start':
      return { kind: b.kind, server: b.server, ip: b.ip, t, line, cycle, text };
    case 'tftp-file':
      return { kind: b.kind, file: b.file, server: b.server, t, line, cycle, text };
    case 'tftp-progress':
      return { kind: b.kind, timeouts: b.timeouts, t, line, cycle, text };
    case 'tftp-done':
      return { kind: b.kind, file: b.file, bytes: b.bytes, t, line, cycle, text };
    case 'tftp-error':
      if ('tentative' in b) return { kind: b.kind, code: b.code, message: b.message, notFound: b.notFound, tentative: b.tentative, t, line, cycle, text };
      return { kind: b.kind, code: b.code, message: b.message, notFound: b.notFound, t, line, cycle, text };
    case 'script-exec':
      return { kind: b.kind, address: b.address, t, line, cycle, text };
    case 'script-error':
    case 'boot-error':
    case 'kernel-panic':
      return { kind: b.kind, message: b.message, t, line, cycle, text };
    case 'kernel-load':
    case 'kernel-start':
      return { kind: b.kind, how: b.how, t, line, cycle, text };
    case 'linux-start':
      return { kind: b.kind, version: b.version, t, line, cycle, text };
    case 'walt-init':
      return { kind: b.kind, step: b.step, t, line, cycle, text };
    case 'login-prompt':
      return { kind: b.kind, host: b.host, t, line, cycle, text };
    case 'reset':
      return { kind: b.kind, reason: b.reason, t, line, cycle, text };
    case 'reset-loop':
      return { kind: b.kind, resets: b.resets, t, line, cycle, text };
    case 'probe':
      return { kind: b.kind, model: b.model, vci: b.vci, mac: b.mac, ip: b.ip, t, line, cycle, text };
    default:
      return assertNever(b, 'boot event');
  }
}
