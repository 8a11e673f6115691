import type { BootEventBody } from './boot-event.js';
import { type ClassifierContext, IPV4, type LineRule, MAC } from './classifier-context.js';

const EEPROM_BANNER = /^RPi: BOOTLOADER release VERSION:(\S+)/;
const BOOT_MODE = /^Boot mode: (\S+)/;
const NET_WAIT = new RegExp(`^(?:NET_BOOT|NETWORK): (${MAC}) wait for link`);
const NET_LINE = new RegExp(`^NET (${IPV4}) (${IPV4}) gw (${IPV4}) tftp (${IPV4})`);
const TFTP_GET = new RegExp(`^TFTP_GET: (?:${MAC} )?(${IPV4}) (\\S+)`);
const TFTP_COMPLETE = /^TFTP: complete (\d+)/;
const READ_FILE = /^Read (\S+) bytes\s+(\d+)/;
const FW_TFTP_FAIL = /^TFTP[^:]*:.*(not found|time(?:d)? ?out)/i;
const PI3_BANNER = /^Raspberry Pi Bootcode/;
const PI3_MAC = new RegExp(`^MAC address = (${MAC})`);
const PI3_FILE_IS = /^TFTP\s?\d*: File is (\d+)/;
const PI3_IP = new RegExp(`^(?:Got IP address|IP address is|Our IP address is)[:= ]+(${IPV4})`, 'i');
const UEFI_START = /^>>Start PXE over IPv4/;
const STATION_IP = new RegExp(`^Station IP address is (${IPV4})`);
const SERVER_IP = new RegExp(`^Server IP address is (${IPV4})`);
const NBP_NAME = /^NBP filename is (\S+)/;
const NBP_SIZE = /^NBP filesize is (\d+)/;
const PXE_ERROR = /^PXE-E([0-9A-F]{2}): (.*)$/;

/** Raspberry Pi 4/5 EEPROM firmware, Pi 3 bootcode.bin, and a UEFI/BIOS PXE ROM. */
export const firmwareRule: LineRule = (s: string, ctx: ClassifierContext, out: BootEventBody[]): boolean => {
  let m: RegExpExecArray | null;
  const c = s.charCodeAt(0);
  if (c === 0x52 /* R */) {
    if ((m = EEPROM_BANNER.exec(s))) {
      ctx.loaders.add('rpi-eeprom');
      out.push({ kind: 'banner', loader: 'rpi-eeprom', version: m[1]! });
      return true;
    }
    if (PI3_BANNER.test(s)) {
      ctx.loaders.add('pi3-bootcode');
      out.push({ kind: 'banner', loader: 'pi3-bootcode', version: null });
      return true;
    }
    if ((m = READ_FILE.exec(s))) {
      out.push({ kind: 'tftp-done', file: m[1]!, bytes: Number(m[2]) });
      return true;
    }
    return false;
  }
  if (c === 0x4e /* N */) {
    if ((m = NET_WAIT.exec(s))) {
      eeprom(ctx, out);
      out.push({ kind: 'link-wait', device: 'GENET', mac: m[1]!.toLowerCase() });
      return true;
    }
    if ((m = NET_LINE.exec(s))) {
      eeprom(ctx, out);
      ctx.bound = true;
      ctx.server = m[4]!;
      out.push({ kind: 'dhcp-bound', ip: m[1]!, server: m[4]!, ms: null });
      return true;
    }
    if (s.startsWith('NETBOOT init failed')) {
      if (!ctx.linkUp) out.push({ kind: 'link-down', reason: 'the EEPROM gave up waiting for an Ethernet link (NETBOOT init failed)' });
      else if (!ctx.bound) out.push({ kind: 'dhcp-failed', reason: 'the EEPROM got no usable DHCP answer (NETBOOT init failed)' });
      else out.push({ kind: 'boot-error', message: 'NETBOOT init failed' });
      return true;
    }
    if ((m = NBP_NAME.exec(s))) {
      ctx.file = m[1]!;
      out.push({ kind: 'tftp-file', file: m[1]!, server: ctx.server });
      return true;
    }
    if ((m = NBP_SIZE.exec(s))) {
      ctx.nbpSize = Number(m[1]);
      return true;
    }
    return false;
  }
  if (c === 0x4c /* L */) {
    if (s.startsWith('Link ready') || s.startsWith('LINK STATUS:')) {
      if (ctx.linkUp) return true;
      ctx.linkUp = true;
      out.push({ kind: 'link-up', detail: s.startsWith('LINK STATUS:') ? s.slice(13).trim() : null });
      return true;
    }
    return false;
  }
  if (c === 0x54 /* T */) {
    if ((m = TFTP_GET.exec(s))) {
      ctx.server = m[1]!;
      ctx.file = m[2]!;
      out.push({ kind: 'tftp-file', file: m[2]!, server: m[1]! });
      return true;
    }
    if ((m = TFTP_COMPLETE.exec(s)) || (m = PI3_FILE_IS.exec(s))) {
      out.push({ kind: 'tftp-done', file: ctx.file, bytes: Number(m[1]) });
      return true;
    }
    if ((m = FW_TFTP_FAIL.exec(s)) && !s.startsWith('TFTP error:')) {
      if (/not found/i.test(m[1]!)) out.push({ kind: 'tftp-error', code: 1, message: s, notFound: true });
      else out.push({ kind: 'tftp-timeout' });
      return true;
    }
    return false;
  }
  if (c === 0x44 /* D */ && s.startsWith('DHCP src:')) {
    eeprom(ctx, out);
    out.push({ kind: 'dhcp-request', attempt: null, iface: null, mac: null });
    return true;
  }
  if (c === 0x44 && /^DHCP.*time(?:d)? ?out/i.test(s)) {
    out.push({ kind: 'dhcp-failed', reason: s });
    return true;
  }
  if (c === 0x42 /* B */ && (m = BOOT_MODE.exec(s))) {
    if (m[1] === 'NETWORK') eeprom(ctx, out);
    return true;
  }
  if (c === 0x4d /* M */ && (m = PI3_MAC.exec(s))) {
    out.push({ kind: 'net-device', device: `USB Ethernet ${m[1]!.toLowerCase()}` });
    return true;
  }
  if ((c === 0x47 || c === 0x49 || c === 0x4f) && (m = PI3_IP.exec(s))) {
    ctx.bound = true;
    out.push({ kind: 'dhcp-bound', ip: m[1]!, server: null, ms: null });
    return true;
  }
  return c === 0x3e || c === 0x53 || c === 0x50 ? uefiRule(s, ctx, out) : false;
};

/** Announces the EEPROM firmware once per attempt when its lines show up without the release banner. */
function eeprom(ctx: ClassifierContext, out: BootEventBody[]): void {
  if (ctx.loaders.has('rpi-eeprom')) return;
  ctx.loaders.add('rpi-eeprom');
  out.push({ kind: 'banner', loader: 'rpi-eeprom', version: null });
}

/** A UEFI (or BIOS) PXE ROM before the network bootstrap program (often iPXE). */
function uefiRule(s: string, ctx: ClassifierContext, out: BootEventBody[]): boolean {
  let m: RegExpExecArray | null;
  if (UEFI_START.test(s)) {
    ctx.loaders.add('uefi-pxe');
    out.push({ kind: 'banner', loader: 'uefi-pxe', version: null });
    return true;
  }
  if ((m = STATION_IP.exec(s))) {
    ctx.bound = true;
    out.push({ kind: 'dhcp-bound', ip: m[1]!, server: null, ms: null });
    return true;
  }
  if ((m = SERVER_IP.exec(s))) {
    ctx.server = m[1]!;
    return true;
  }
  if (s.startsWith('Succeed to download NBP file')) {
    out.push({ kind: 'tftp-done', file: ctx.file, bytes: ctx.nbpSize });
    return true;
  }
  if ((m = PXE_ERROR.exec(s))) {
    const code = m[1]!;
    const text = m[2]!;
    if (code === '61' || /media test failure|cable/i.test(text)) out.push({ kind: 'link-down', reason: s });
    else if (code === '51' || code === '53' || /DHCP/i.test(text)) out.push({ kind: 'dhcp-failed', reason: s });
    else if (/not found/i.test(text)) out.push({ kind: 'tftp-error', code: 1, message: text, notFound: true });
    else if (/timeout/i.test(text)) out.push({ kind: 'tftp-timeout' });
    else out.push({ kind: 'boot-error', message: s });
    return true;
  }
  return false;
}
