import type { BootEventBody, Loader } from './boot-event.js';
import type { ClassifierContext } from './classifier-context.js';
import { followedBy, type PatternTable } from './pattern.js';
import { banner, dhcpFailed, linkDown, tftpError, tftpTimeout } from './pattern-events.js';

/**
 * Other bootloaders a bench meets: GRUB's and PXELINUX's network loads after iPXE or a PXE ROM, u-root's pxeboot,
 * and the router and evaluation-board loaders (Broadcom CFE, RedBoot, barebox, MIPS YAMON, Breed), each from real transcripts.
 */
export const OTHER: PatternTable = {
  family: 'other',
  patterns: [
    { id: 'grub.autoconfigure', start: "error: couldn't autoconfigure ", from: ['614'], on: (_m, s, ctx, out) => dhcpFailed(ctx, out, s) },
    { id: 'grub.time-out', start: 'error: time out opening ', from: ['601'], on: (_m, s, ctx, out) => tftpTimeout(ctx, out, s) },
    { id: 'grub.rescue', start: 'Entering rescue mode', from: ['601'], on: (_m, s, _ctx, out) => void out.push({ kind: 'boot-error', message: s }) },
    { id: 'pxelinux.banner', start: ['PXELINUX ', 'SYSLINUX '], re: /^(?:PXE|SYS)LINUX (\d\S*)/, from: ['600', '611'], on: (m, _s, ctx, out) => banner(ctx, out, 'pxelinux', m![1]!) },
    {
      id: 'pxelinux.trying',
      start: 'Trying to load: ',
      re: /^Trying to load: (\S+)/,
      from: ['600', '817', '818'],
      on: (m, _s, ctx, out) => {
        ctx.file = m![1]!;
        out.push({ kind: 'tftp-file', file: m![1]!, server: ctx.server });
      },
    },
    {
      // u-root's pxeboot (LinuxBoot): the TFTP server's error code, as Go's tftp client words it
      id: 'uroot.tftp-error',
      has: 'remote error: ERROR[Code: ',
      re: /remote error: ERROR\[Code: (\w+); Message: "([^"]*)"\]/,
      from: ['813'],
      on: (m, s, ctx, out) => tftpError(ctx, out, m![1] === 'FILE_NOT_FOUND' ? 1 : null, s),
    },
    {
      id: 'pxelinux.no-kernel',
      start: 'Could not find kernel image: ',
      re: /^Could not find kernel image: (\S+)/,
      from: ['817', '818'],
      on: (m, s, ctx, out) => {
        ctx.file = m![1]!;
        return tftpError(ctx, out, 1, s);
      },
    },
    { id: 'pxelinux.no-config', start: 'Unable to locate configuration file', from: ['600', '811', '835'], on: (_m, s, ctx, out) => tftpError(ctx, out, 1, s) },
    { id: 'cfe.banner', start: 'CFE version ', re: /^CFE version (\S+)/, from: ['602', '604'], on: (m, _s, ctx, out) => banner(ctx, out, 'other', `CFE ${m![1]!}`) },
    {
      id: 'cfe.loaded',
      start: 'Loading: ',
      re: /(\d+) bytes read/,
      from: ['602', '603', '604'],
      on: (m, _s, ctx, out) => void out.push({ kind: 'tftp-done', file: ctx.file, bytes: Number(m![1]) }),
    },
    { id: 'cfe.could-not-load', start: 'Could not load ', re: /^Could not load (.*?):\s*(Timeout.*)$/i, from: ['602', '604'], on: (m, _s, ctx, out) => tftpTimeout(ctx, out, `${m![1]!}: ${m![2]!}`) },
    {
      id: 'loader.jump',
      start: ['Starting program at ', 'Transferring control to the kernel', 'Now booting linux kernel', 'Starting application at '],
      from: ['602', '603', '605', '607'],
      on: (_m, s, _ctx, out) => void out.push({ kind: 'kernel-start', how: s.replace(/[.:]+$/, '') }),
    },
    { id: 'redboot.banner', start: 'RedBoot(tm) ', from: ['605', '606'], on: (_m, s, ctx, out) => banner(ctx, out, 'other', s.slice(0, 40)) },
    { id: 'redboot.load-error', start: "Can't load '", from: ['605'], on: (_m, s, _ctx, out) => void out.push({ kind: 'tftp-error', code: null, message: s, notFound: false }) },
    { id: 'barebox.banner', start: 'barebox ', re: /^barebox (\d{4}\.\d+\.\d+\S*)/, from: ['607', '608'], on: (m, _s, ctx, out) => banner(ctx, out, 'other', `barebox ${m![1]!}`) },
    {
      id: 'yamon.about-to-load',
      start: 'About to load ',
      re: /^About to load (?:tftp:\/\/([^/]+)\/)?(\S+)/,
      from: ['609'],
      on: (m, _s, ctx, out) => {
        ctx.file = m![2]!;
        out.push({ kind: 'tftp-file', file: m![2]!, server: m![1] ?? null });
      },
    },
    { id: 'yamon.loaded', start: 'Start = 0x', re: /format = \w+/, from: ['609'], on: (_m, _s, ctx, out) => void out.push({ kind: 'tftp-done', file: ctx.file, bytes: null }) },
    { id: 'yamon.linux', start: 'LINUX started', from: ['609', '615'], on: (_m, _s, ctx, out) => void ((ctx.linux = true), out.push({ kind: 'linux-start', version: null })) },
    { id: 'openbsd.pxeboot', start: '>> OpenBSD/', from: ['506', '507', '836', '906'], on: (_m, s, ctx, out) => banner(ctx, out, 'other', s.slice(3)) },
    {
      id: 'openbsd.booting',
      start: 'booting tftp:',
      re: /^booting tftp:([^:\s]+): \d+/,
      from: ['506', '507', '836', '906'],
      on: (m, _s, ctx, out) => void out.push({ kind: 'tftp-done', file: m![1]!, bytes: null }),
    },
    { id: 'breed.banner', start: 'Boot and Recovery Environment for Embedded Devices', from: ['613'], on: (_m, s, ctx, out) => banner(ctx, out, 'other', s) },
    {
      id: 'loader.crash',
      start: ['data abort', 'prefetch abort', 'undefined instruction', '"Synchronous Abort" handler'],
      from: ['612'],
      on: (_m, s, _ctx, out) => void out.push({ kind: 'boot-error', message: s }),
    },
    { id: 'loader.resetting-cpu', start: 'Resetting CPU', from: ['612'], on: (_m, _s, _ctx, out) => void out.push({ kind: 'reset', reason: 'reset-command' }) },
  ],
};

/** Families whose own wordings are known: generic words are not read in their attempts. */
const KNOWN: readonly Loader[] = ['u-boot', 'u-boot-spl', 'rpi-eeprom', 'pi3-bootcode', 'uefi-pxe', 'ipxe'];

/** Whether an attempt has only unknown loaders so far (and no kernel, whose messages are not the boot's). */
function unknown(ctx: ClassifierContext): boolean {
  if (ctx.linux) return false;
  for (const l of KNOWN) if (ctx.loaders.has(l)) return false;
  return true;
}

/**
 * Generic words, for a bootloader no table knows: a verdict from `TFTP ... timeout`, `DHCP ... failed`, `link down`,
 * `not found`, always tentative (low confidence), never read in an attempt of a known family.
 */
export const GENERIC: PatternTable = {
  family: 'other',
  patterns: [
    {
      id: 'generic.tftp',
      has: 'TFTP',
      re: followedBy(/\bTFTP\b/i, /\b(time(?:d)?[ -]?out|timeout|not found|no such file|failed|error)/i),
      from: ['506', '23', '809'],
      on: (m, s, ctx, out) => (unknown(ctx) ? genericTftp(m![1]!, s, ctx, out) : false),
    },
    {
      id: 'generic.dhcp',
      has: 'DHCP',
      re: followedBy(/\b(?:DHCP|BOOTP)\b/i, /\b(time(?:d)?[ -]?out|timeout|fail(?:ed|ure)?|no (?:reply|answer|offers?))/i),
      from: ['504'],
      on: (_m, s, ctx, out) => (unknown(ctx) ? dhcpFailed(ctx, out, s, true) : false),
    },
    {
      id: 'generic.link',
      has: 'ink',
      re: /\b(?:[Ll]ink (?:is )?down|[Nn]o link\b|[Nn]o carrier|cable (?:is )?(?:un|dis)connected)/,
      from: ['28', '832'],
      on: (_m, s, ctx, out) => (unknown(ctx) ? linkDown(ctx, out, s, true) : false),
    },
  ],
};

function genericTftp(word: string, s: string, ctx: ClassifierContext, out: BootEventBody[]): boolean {
  if (/not found|no such/i.test(word)) return tftpError(ctx, out, 1, s, true);
  if (/out/i.test(word)) return tftpTimeout(ctx, out, s, true);
  return tftpError(ctx, out, null, s, true);
}
