import type { BootEventBody } from './boot-event.js';
import { type ClassifierContext, IPV4, type LineRule, type LineScan, MAC } from './classifier-context.js';

const BANNER = /^iPXE (\d\S*) .*Open Source Network Boot Firmware/;
const CONFIGURING = new RegExp(`^Configuring (?:\\[(\\w+)\\] )?\\((net\\d+) (${MAC})\\)\\.*\\s*(.*)$`);
const IFACE_ADDR = new RegExp(`^(net\\d+): (${IPV4})/(${IPV4}|\\d+)`);
const NEXT_SERVER = new RegExp(`^Next server: (${IPV4})`);
const DOWNLOAD = /^(\S+?)\.{3,}\s*(.*)$/;
const SIZE = /^(\S+) : (\d+) bytes \[(\w+)\]/;
const ERROR_LINK = /https?:\/\/ipxe\.org\/([0-9a-f]{8})/;
const URL = /^(?:tftp|https?|ftp|nfs):\/\/([^/]+)\/(.*)$/;

/** iPXE: banner, `Configuring (net0 ...)` in both forms, downloads (`name... ok`), sizes, error links. */
export const ipxeRule: LineRule = (s: string, ctx: ClassifierContext, out: BootEventBody[], scan: LineScan): boolean => {
  let m: RegExpExecArray | null;
  const c = s.charCodeAt(0);
  if (c === 0x69 /* i */ && (m = BANNER.exec(s))) {
    ctx.loaders.add('ipxe');
    out.push({ kind: 'banner', loader: 'ipxe', version: m[1]! });
    return true;
  }
  if (c === 0x43 /* C */ && (m = CONFIGURING.exec(s))) {
    const [, , iface, mac, result] = m;
    out.push({ kind: 'dhcp-request', attempt: null, iface: iface!, mac: mac!.toLowerCase() });
    if (result === 'ok') {
      ctx.bound = true;
      out.push({ kind: 'dhcp-bound', ip: null, server: null, ms: null });
    } else if (result) out.push({ kind: 'dhcp-failed', reason: `${iface!}: ${result}` });
    return true;
  }
  if (c === 0x6e /* n */ && (m = IFACE_ADDR.exec(s))) {
    ctx.bound = true;
    out.push({ kind: 'dhcp-bound', ip: m[2]!, server: ctx.server, ms: null });
    return true;
  }
  if (c === 0x4e /* N */ && (m = NEXT_SERVER.exec(s))) {
    ctx.server = m[1]!;
    return true;
  }
  if (scan.firstSpace > 0 && s.startsWith(' : ', scan.firstSpace) && (m = SIZE.exec(s))) {
    out.push({ kind: 'tftp-done', file: m[1]!, bytes: Number(m[2]) });
    return true;
  }
  // DOWNLOAD's dots end its first word: look for them only before the first space
  if (hasDotsInFirstWord(s, scan) && (m = DOWNLOAD.exec(s)) && looksLikeFile(m[1]!)) return pushDownload(m[1]!, m[2]!, ctx, out);
  if (ctx.loaders.has('ipxe') && s.includes('ipxe.org/') && (m = ERROR_LINK.exec(s)) && !s.startsWith('[')) {
    out.push({ kind: 'boot-error', message: s });
    return true;
  }
  return false;
};

/** Whether `...` occurs before the line's first space (a `...` found by lastIndexOf there cannot cross the space). */
function hasDotsInFirstWord(s: string, scan: LineScan): boolean {
  return scan.firstSpace < 0 ? s.includes('...') : s.lastIndexOf('...', scan.firstSpace) > 0;
}

/** A download target: a URL or a file name (no spaces, has a dot or a slash). */
function looksLikeFile(name: string): boolean {
  return URL.test(name) || /^[\w.-]+\.[A-Za-z0-9]+$/.test(name) || name.includes('/');
}

function pushDownload(name: string, result: string, ctx: ClassifierContext, out: BootEventBody[]): boolean {
  const url = URL.exec(name);
  const server = url ? url[1]!.replace(/:\d+$/, '') : ctx.server;
  const file = url ? url[2]! || name : name;
  out.push({ kind: 'tftp-file', file, server });
  if (result === 'ok') out.push({ kind: 'tftp-done', file, bytes: null });
  else if (result === '') return true;
  else if (/No such file|not found/i.test(result)) out.push({ kind: 'tftp-error', code: 1, message: result, notFound: true });
  else if (/timed out/i.test(result)) out.push({ kind: 'tftp-timeout' });
  else out.push({ kind: 'tftp-error', code: null, message: result, notFound: false });
  return true;
}
