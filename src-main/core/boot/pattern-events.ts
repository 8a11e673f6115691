import type { BootEventBody, Loader } from './boot-event.js';
import type { ClassifierContext } from './classifier-context.js';

/** The events several families' patterns push, with the context they keep. */

/** The link came up (optionally at a speed in Mb/s). */
export function linkUp(ctx: ClassifierContext, out: BootEventBody[], speed: string | null): boolean {
  ctx.linkUp = true;
  ctx.linkFailed = null;
  out.push({ kind: 'link-up', detail: speed ? `${speed} Mb/s` : null });
  return true;
}

/** No link: later DHCP and ARP failures of this attempt are reported as this. */
export function linkDown(ctx: ClassifierContext, out: BootEventBody[], reason: string, tentative = false): boolean {
  ctx.linkUp = false;
  ctx.linkFailed = reason;
  out.push(tentative ? { kind: 'link-down', reason, tentative } : { kind: 'link-down', reason });
  return true;
}

/** DHCP got no usable answer; when the link had failed just before, that is the cause. */
export function dhcpFailed(ctx: ClassifierContext, out: BootEventBody[], reason: string, tentative = false): boolean {
  ctx.phase = 'none';
  if (ctx.linkFailed && !ctx.linkUp) return linkDown(ctx, out, `${ctx.linkFailed} (then: ${reason})`, tentative);
  out.push(tentative ? { kind: 'dhcp-failed', reason, tentative } : { kind: 'dhcp-failed', reason });
  return true;
}

/** The transfer did not complete. */
export function tftpTimeout(ctx: ClassifierContext, out: BootEventBody[], reason: string, tentative = false): boolean {
  ctx.phase = 'none';
  out.push(tentative ? { kind: 'tftp-timeout', reason, tentative } : { kind: 'tftp-timeout', reason });
  return true;
}

/** The server answered with an error (code 1 or a "not found" wording: the file does not exist). */
export function tftpError(ctx: ClassifierContext, out: BootEventBody[], code: number | null, message: string, tentative = false): boolean {
  ctx.phase = 'none';
  const notFound = code === 1 || /not found|no such file/i.test(message);
  out.push(tentative ? { kind: 'tftp-error', code, message, notFound, tentative } : { kind: 'tftp-error', code, message, notFound });
  return true;
}

/** A loader's banner: the loader is part of this attempt. */
export function banner(ctx: ClassifierContext, out: BootEventBody[], loader: Loader, version: string | null): boolean {
  ctx.loaders.add(loader);
  out.push({ kind: 'banner', loader, version });
  return true;
}

/** Announces a loader once per attempt when its lines show up without its banner (an excerpt that starts later). */
export function announce(ctx: ClassifierContext, out: BootEventBody[], loader: Loader): boolean {
  if (!ctx.loaders.has(loader)) banner(ctx, out, loader, null);
  return true;
}
