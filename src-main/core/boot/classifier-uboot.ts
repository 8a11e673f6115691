import type { BootEventBody } from './boot-event.js';
import { type ClassifierContext, IPV4, type LineRule, type LineScan } from './classifier-context.js';

const BANNER_SPL = /^U-Boot SPL (\S+)/;
const BANNER = /^U-Boot (\d{4}\.\d{2}\S*)/;
const BOARD = /^(?:Model: (.+)|Board: (.+)|(RPI \d.*))$/;
const NET = /^Net:\s+(.*)$/;
const USING = /^Using (\S+) device/;
const WAIT_ETH = /Waiting for Ethernet connection\.\.\.\s*(done|unable to connect)?/;
const WAIT_PHY = /^(\S+) Waiting for PHY auto negotiation to complete\.*\s*(done|TIMEOUT)?/;
const NO_LINK = /^(\S+): No link\.?$/;
const LINK_UP = /^(?:link up on port \d+, speed (\d+)|Speed: (\d+), (?:full|half) duplex)/;
const BOOTP = /^BOOTP broadcast (\d+)/;
const BOUND = new RegExp(`^DHCP client bound to address (${IPV4})(?: \\((\\d+) ms\\))?`);
const TFTP_FROM = new RegExp(`^TFTP from server (${IPV4}); our IP address is (${IPV4})`);
const FILENAME = /^Filename '([^']*)'\.?/;
const BYTES = /^Bytes transferred = (\d+)/;
const TFTP_ERROR = /TFTP error: '([^']*)' \((\d+)\)/;
const SCRIPT = /^## Executing script at (\S+)/;
const APPLICATION = /^## Starting application at (\S+)/;
const BOOTEFI = /^Booting \/(\S+)$/;
const BOOT_ERRORS = /^(Wrong Image Format for bootm command|ERROR: can't get kernel image!|Bad Linux ARM64 Image magic!|Cannot autoload with TFTPGET|\*\* Unable to read file .*|Unknown command '.*' - try 'help')$/;

/** The first characters of the BOOT_ERRORS lines (a cheap gate before that regex). */
const BOOT_ERROR_STARTS = new Set([...'WEBCU*'].map((c) => c.charCodeAt(0)));

/** U-Boot's console lines (net/bootp.c, net/tftp.c, cmd/source.c, common/autoboot.c, arch/arm/lib/bootm.c). */
export const ubootRule: LineRule = (s: string, ctx: ClassifierContext, out: BootEventBody[], scan: LineScan): boolean => {
  let m: RegExpExecArray | null;
  switch (s.charCodeAt(0)) {
    case 0x55: // U
      if ((m = BANNER_SPL.exec(s))) {
        ctx.loaders.add('u-boot-spl');
        out.push({ kind: 'banner', loader: 'u-boot-spl', version: m[1]! });
        return true;
      }
      if ((m = BANNER.exec(s))) {
        ctx.loaders.add('u-boot');
        out.push({ kind: 'banner', loader: 'u-boot', version: m[1]! });
        return true;
      }
      if ((m = USING.exec(s))) return pushDevice(m[1]!, out);
      break;
    case 0x42: // B
      if ((m = BOOTP.exec(s))) {
        out.push({ kind: 'dhcp-request', attempt: Number(m[1]), iface: null, mac: null });
        return true;
      }
      if ((m = BYTES.exec(s))) {
        out.push({ kind: 'tftp-done', file: ctx.file, bytes: Number(m[1]) });
        return true;
      }
      if ((m = BOOTEFI.exec(s))) {
        out.push({ kind: 'kernel-start', how: `bootefi /${m[1]!}` });
        return true;
      }
      if ((m = BOARD.exec(s))) return pushBoard(m, out);
      break;
    case 0x44: // D
      if ((m = BOUND.exec(s))) {
        ctx.bound = true;
        out.push({ kind: 'dhcp-bound', ip: m[1]!, server: null, ms: m[2] === undefined ? null : Number(m[2]) });
        return true;
      }
      break;
    case 0x54: // T
      if ((m = TFTP_FROM.exec(s))) {
        ctx.server = m[1]!;
        out.push({ kind: 'tftp-start', server: m[1]!, ip: m[2]! });
        return true;
      }
      if (scan.anywhere && (m = TFTP_ERROR.exec(s))) return pushTftpError(m, out);
      break;
    case 0x46: // F
      if ((m = FILENAME.exec(s))) {
        ctx.file = m[1]!;
        out.push({ kind: 'tftp-file', file: m[1]!, server: ctx.server });
        return true;
      }
      break;
    case 0x4c: // L
      if (s.startsWith('Loading: ')) {
        let timeouts = 0;
        for (let i = 9; i < s.length; i += 1) if (s.charCodeAt(i) === 0x54) timeouts += 1;
        out.push({ kind: 'tftp-progress', timeouts });
        return true;
      }
      break;
    case 0x52: // R
      if (s.startsWith('Retry time exceeded')) {
        out.push({ kind: 'dhcp-failed', reason: 'no DHCP answer (Retry time exceeded)' });
        return true;
      }
      if (s.startsWith('Retry count exceeded')) {
        out.push({ kind: 'tftp-timeout' });
        return true;
      }
      if ((m = BOARD.exec(s))) return pushBoard(m, out);
      break;
    case 0x41: // A
      if (s.startsWith('ARP Retry count exceeded')) {
        out.push({ kind: 'arp-failed' });
        return true;
      }
      break;
    case 0x4e: // N
      if ((m = NET.exec(s))) {
        if (/No ethernet found/.test(m[1]!)) out.push({ kind: 'no-net-device' });
        else out.push({ kind: 'net-device', device: m[1]!.replace(/^eth\d+: /, '').trim() });
        return true;
      }
      break;
    case 0x23: // #
      if ((m = SCRIPT.exec(s))) {
        out.push({ kind: 'script-exec', address: m[1]! });
        return true;
      }
      if ((m = APPLICATION.exec(s))) {
        out.push({ kind: 'kernel-start', how: `go ${m[1]!}` });
        return true;
      }
      break;
    case 0x53: // S
      if (s.startsWith('Starting kernel ...')) {
        out.push({ kind: 'kernel-start', how: 'Starting kernel' });
        return true;
      }
      if ((m = LINK_UP.exec(s))) return pushLinkUp(m, ctx, out);
      break;
    case 0x48: // H
      if (s.startsWith('Hit any key to stop autoboot')) {
        out.push({ kind: 'autoboot' });
        return true;
      }
      break;
    case 0x50: // P
      if (s.startsWith('Press SPACE to abort autoboot')) {
        out.push({ kind: 'autoboot' });
        return true;
      }
      break;
    case 0x72: // r
      if (s.startsWith('resetting ...')) {
        out.push({ kind: 'reset', reason: 'reset-command' });
        return true;
      }
      break;
    case 0x6c: // l
      if ((m = LINK_UP.exec(s))) return pushLinkUp(m, ctx, out);
      break;
    case 0x4d: // M
      if ((m = BOARD.exec(s))) return pushBoard(m, out);
      break;
    case 0x2a: // *
      if (s.startsWith("*** ERROR: `serverip' not set")) {
        out.push({ kind: 'dhcp-no-server' });
        return true;
      }
      break;
    default:
      break;
  }
  return ubootAnywhere(s, ctx, out, scan);
};

/** U-Boot lines whose start varies (a device-name prefix, a literal escape before the text). */
function ubootAnywhere(s: string, ctx: ClassifierContext, out: BootEventBody[], scan: LineScan): boolean {
  let m: RegExpExecArray | null;
  if (scan.anywhere && s.includes('Waiting for')) {
    if ((m = WAIT_ETH.exec(s))) {
      if (m[1] === 'done') return pushLinkUp(null, ctx, out);
      if (m[1] === 'unable to connect') out.push({ kind: 'link-down', reason: 'Waiting for Ethernet connection... unable to connect' });
      else out.push({ kind: 'link-wait', device: null, mac: null });
      return true;
    }
    if ((m = WAIT_PHY.exec(s))) {
      if (m[2] === 'done') return pushLinkUp(null, ctx, out);
      if (m[2] === 'TIMEOUT') out.push({ kind: 'link-down', reason: `${m[1]!}: PHY auto-negotiation timed out` });
      else out.push({ kind: 'link-wait', device: m[1]!, mac: null });
      return true;
    }
  }
  if (s.charCodeAt(s.length - 1) === 0x2e /* . */ && s.endsWith('No link.') && (m = NO_LINK.exec(s))) {
    out.push({ kind: 'link-down', reason: `${m[1]!}: No link` });
    return true;
  }
  if (scan.anywhere && s.includes('TFTP error') && (m = TFTP_ERROR.exec(s))) return pushTftpError(m, out);
  if (scan.anywhere && s.includes('Wrong image format for "source" command')) {
    out.push({ kind: 'script-error', message: s });
    return true;
  }
  if (BOOT_ERROR_STARTS.has(s.charCodeAt(0)) && (m = BOOT_ERRORS.exec(s))) {
    out.push({ kind: 'boot-error', message: m[1]! });
    return true;
  }
  return false;
}

function pushDevice(device: string, out: BootEventBody[]): boolean {
  out.push({ kind: 'net-device', device });
  return true;
}

function pushBoard(m: RegExpExecArray, out: BootEventBody[]): boolean {
  out.push({ kind: 'board', name: (m[1] ?? m[2] ?? m[3]!).trim() });
  return true;
}

function pushLinkUp(m: RegExpExecArray | null, ctx: ClassifierContext, out: BootEventBody[]): boolean {
  ctx.linkUp = true;
  const speed = m ? (m[1] ?? m[2] ?? null) : null;
  out.push({ kind: 'link-up', detail: speed ? `${speed} Mb/s` : null });
  return true;
}

function pushTftpError(m: RegExpExecArray, out: BootEventBody[]): boolean {
  const code = Number(m[2]);
  const message = m[1]!;
  out.push({ kind: 'tftp-error', code, message, notFound: code === 1 || /not found/i.test(message) });
  return true;
}
