import type { BootEventBody } from './boot-event.js';
import { type ClassifierContext, IPV4, MAC } from './classifier-context.js';
import type { PatternTable } from './pattern.js';
import { banner, dhcpFailed, linkDown, tftpError, tftpTimeout } from './pattern-events.js';

/** A UEFI or BIOS PXE ROM, before the network bootstrap program (often iPXE). */
export const PXE_ROM: PatternTable = {
  family: 'pxe-rom',
  patterns: [
    {
      id: 'pxe.uefi-start',
      start: '>>Start PXE over IPv',
      from: ['13', '501', '502', '505', '901'],
      on: (_m, _s, ctx, out) => banner(ctx, out, 'uefi-pxe', null),
    },
    { id: 'pxe.station-ip', start: 'Station IP address is ', re: new RegExp(`^Station IP address is (${IPV4})`), from: ['13', '501', '502', '505'], on: (m, _s, ctx, out) => bound(ctx, out, m![1]!) },
    { id: 'pxe.bios-client-ip', start: 'CLIENT IP: ', re: new RegExp(`^CLIENT IP: (${IPV4})`), from: ['506', '507', '809', '836'], on: (m, _s, ctx, out) => bound(ctx, out, m![1]!) },
    { id: 'pxe.server-ip', start: 'Server IP address is ', re: new RegExp(`^Server IP address is (${IPV4})`), from: ['13', '501', '502', '505'], on: (m, _s, ctx) => void (ctx.server = m![1]!) },
    {
      id: 'pxe.nbp-name',
      start: 'NBP filename is ',
      re: /^NBP filename is (\S+)/,
      from: ['13', '501', '502', '505'],
      on: (m, _s, ctx, out) => {
        ctx.file = m![1]!;
        out.push({ kind: 'tftp-file', file: m![1]!, server: ctx.server });
      },
    },
    { id: 'pxe.nbp-size', start: 'NBP filesize is ', re: /^NBP filesize is (\d+)/, from: ['13', '501', '502', '505'], on: (m, _s, ctx) => void (ctx.nbpSize = Number(m![1])) },
    {
      id: 'pxe.nbp-done',
      start: ['Succeed to download NBP file', 'NBP file downloaded successfully'],
      from: ['13', '501', '505'],
      on: (_m, _s, ctx, out) => void out.push({ kind: 'tftp-done', file: ctx.file, bytes: ctx.nbpSize }),
    },
    {
      id: 'pxe.no-offers',
      start: ['No DHCP or proxy DHCP offers were received', 'NO DHCP OR DHCP PROXY OFFERS WERE RECEIVED'],
      from: ['510'],
      on: (_m, s, ctx, out) => dhcpFailed(ctx, out, s),
    },
    { id: 'pxe.check-cable', start: 'Check cable connection', from: ['508'], on: (_m, s, ctx, out) => linkDown(ctx, out, s) },
    { id: 'pxe.uefi-refused', start: 'BdsDxe: failed to load ', from: ['505', '901'], on: (_m, s, _ctx, out) => void out.push({ kind: 'boot-error', message: s }) },
    {
      id: 'pxe.error',
      start: 'PXE-E',
      re: /^PXE-E([0-9A-F]{2}): (.*)$/,
      from: ['16', '500', '800', '802', '810', '814', '815'],
      on: (m, s, ctx, out) => {
        const [, code, text] = m!;
        if (code === '61' || /media test failure|cable/i.test(text!)) return linkDown(ctx, out, s);
        if (code === '51' || code === '53' || /DHCP|offers/i.test(text!)) return dhcpFailed(ctx, out, s);
        if (code === '3B' || /not found/i.test(text!)) return tftpError(ctx, out, 1, text!);
        if (code === '32' || /timeout/i.test(text!)) return tftpTimeout(ctx, out, s);
        out.push({ kind: 'boot-error', message: s });
        return true;
      },
    },
  ],
};

const URL = /^(?:tftp|https?|ftp|nfs):\/\/([^/]+)\/(.*)$/;

/** iPXE: banner, `Configuring (net0 ...)` and the older `DHCP (net0 ...)`, downloads (`name... ok`), sizes, errors. */
export const IPXE: PatternTable = {
  family: 'ipxe',
  patterns: [
    {
      id: 'ipxe.banner',
      start: 'iPXE ',
      re: /^iPXE (\d\S*|v\d\S*)? .*Open Source Network Boot Firmware/,
      from: ['14', '16'],
      on: (m, _s, ctx, out) => banner(ctx, out, 'ipxe', m![1] ?? null),
    },
    {
      id: 'ipxe.configuring',
      start: ['Configuring ', 'DHCP ('],
      re: new RegExp(`^(?:Configuring|DHCP) (?:\\[(\\w+)\\] )?\\((net\\d+) (${MAC})\\)[. ]*(.*)$`),
      from: ['14', '16', '501'],
      on: (m, _s, ctx, out) => {
        const [, , iface, mac, result] = m!;
        out.push({ kind: 'dhcp-request', attempt: null, iface: iface!, mac: mac!.toLowerCase() });
        if (/^ok\b/.test(result!)) {
          ctx.bound = true;
          out.push({ kind: 'dhcp-bound', ip: null, server: null, ms: null });
        } else if (/link|down/i.test(result!)) linkDown(ctx, out, `${iface!}: ${result!}`);
        else if (result) dhcpFailed(ctx, out, `${iface!}: ${result}`);
        return true;
      },
    },
    {
      id: 'ipxe.iface-addr',
      start: 'net',
      re: new RegExp(`^(net\\d+): (${IPV4})/(?:${IPV4}|\\d+)`),
      from: ['13', '15', '600', '611'],
      on: (m, _s, ctx, out) => {
        ctx.bound = true;
        out.push({ kind: 'dhcp-bound', ip: m![2]!, server: ctx.server, ms: null });
      },
    },
    { id: 'ipxe.next-server', start: 'Next server: ', re: new RegExp(`^Next server: (${IPV4})`), from: ['13', '600', '601'], on: (m, _s, ctx) => void (ctx.server = m![1]!) },
    { id: 'ipxe.size', has: ' bytes [', re: /^(\S+) : (\d+) bytes \[(\w+)\]/, from: ['13'], on: (m, _s, _ctx, out) => void out.push({ kind: 'tftp-done', file: m![1]!, bytes: Number(m![2]) }) },
    {
      id: 'ipxe.download',
      has: '...',
      re: /^(\S+?)\.{3,}\s*(.*)$/,
      from: ['14', '16', '600', '903'],
      on: (m, _s, ctx, out) => (looksLikeFile(m![1]!) ? download(m![1]!, m![2]!, ctx, out) : false),
    },
    { id: 'ipxe.nothing', start: ['Nothing to boot', 'No more network devices'], from: ['15'], on: (_m, s, _ctx, out) => void out.push({ kind: 'boot-error', message: s }) },
  ],
};

function bound(ctx: ClassifierContext, out: BootEventBody[], ip: string): boolean {
  ctx.bound = true;
  out.push({ kind: 'dhcp-bound', ip, server: null, ms: null });
  return true;
}

/** A download target: a URL or a file name (no spaces, has a dot or a slash). */
function looksLikeFile(name: string): boolean {
  return URL.test(name) || /^[\w.-]+\.[A-Za-z0-9]+$/.test(name) || (name.includes('/') && !name.includes('(') && !/^\d/.test(name));
}

function download(name: string, result: string, ctx: ClassifierContext, out: BootEventBody[]): boolean {
  const url = URL.exec(name);
  const server = url ? url[1]!.replace(/:\d+$/, '') : ctx.server;
  const file = url ? url[2]! || name : name;
  out.push({ kind: 'tftp-file', file, server });
  if (/^ok\b/.test(result)) out.push({ kind: 'tftp-done', file, bytes: null });
  else if (result === '') return true;
  else if (/No such file|not found/i.test(result)) tftpError(ctx, out, 1, result);
  else if (/timed out/i.test(result)) tftpTimeout(ctx, out, `${file}: ${result}`);
  else out.push({ kind: 'tftp-error', code: null, message: result, notFound: false });
  return true;
}
