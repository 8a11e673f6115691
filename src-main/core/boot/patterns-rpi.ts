import type { BootEventBody } from './boot-event.js';
import { type ClassifierContext, IPV4, MAC } from './classifier-context.js';
import type { PatternTable } from './pattern.js';
import { announce, banner, dhcpFailed, linkDown, linkUp, tftpError, tftpTimeout } from './pattern-events.js';

/** ARP lines after a `TFTP_GET` with no packet received that make a stalled transfer. */
const STALL_ARPS = 2;

/**
 * The Raspberry Pi 4/5 EEPROM bootloader: old `NET_BOOT:` and new `NETWORK:` wordings, IPv4 and IPv6. It prints
 * no completion line for a file: a `TFTP_GET` after an address is progress, unless the `RX:` counters then stop
 * while only ARP lines come (a stalled transfer).
 */
export const RPI_EEPROM: PatternTable = {
  family: 'rpi-eeprom',
  patterns: [
    {
      id: 'eeprom.banner',
      start: 'RPi: BOOTLOADER release VERSION:',
      re: /^RPi: BOOTLOADER release VERSION:(\S+)/,
      from: ['02', '22', '24', '902'],
      on: (m, _s, ctx, out) => banner(ctx, out, 'rpi-eeprom', m![1]!),
    },
    { id: 'eeprom.boot-mode', start: 'Boot mode: ', re: /^Boot mode: (\S+)/, from: ['01', '03', '22', '100', '902', '904'], on: (m, _s, ctx, out) => void (m![1] === 'NETWORK' && announce(ctx, out, 'rpi-eeprom')) },
    {
      id: 'eeprom.wait-link',
      start: ['NET_BOOT: ', 'NETWORK: '],
      re: new RegExp(`^(?:NET_BOOT|NETWORK): (${MAC}) wait for link`),
      from: ['01', '03', '22', '100', '902', '904'],
      on: (m, _s, ctx, out) => {
        announce(ctx, out, 'rpi-eeprom');
        out.push({ kind: 'link-wait', device: 'GENET', mac: m![1]!.toLowerCase() });
      },
    },
    {
      id: 'eeprom.link-ready',
      start: ['Link ready', 'LINK STATUS:'],
      from: ['01', '03', '22', '44', '902', '904'],
      on: (_m, s, ctx, out) => void (!ctx.linkUp && linkUp(ctx, out, s.startsWith('LINK STATUS:') ? (/speed: (\d+)/.exec(s)?.[1] ?? null) : null)),
    },
    {
      id: 'eeprom.dhcp-src',
      start: 'DHCP src:',
      from: ['01', '100', '106', '902', '904'],
      on: (_m, _s, ctx, out) => {
        announce(ctx, out, 'rpi-eeprom');
        out.push({ kind: 'dhcp-request', attempt: null, iface: null, mac: null });
      },
    },
    {
      id: 'eeprom.net',
      start: 'NET ',
      re: new RegExp(`^NET (${IPV4}) (?:${IPV4}) gw (?:${IPV4}) tftp (${IPV4})|^NET ([0-9a-fA-F:]+) tftp ([0-9a-fA-F:]+)`),
      from: ['01', '03', '44', '106', '902'],
      on: (m, _s, ctx, out) => {
        announce(ctx, out, 'rpi-eeprom');
        ctx.bound = true;
        ctx.server = m![2] ?? m![4]!;
        out.push({ kind: 'dhcp-bound', ip: m![1] ?? m![3]!, server: ctx.server, ms: null });
      },
    },
    {
      id: 'eeprom.tftp-get',
      start: 'TFTP_GET: ',
      re: new RegExp(`^TFTP_GET: (?:${MAC} )?(\\S+) (\\S+)`),
      from: ['01', '20'],
      on: (m, _s, ctx, out) => {
        announce(ctx, out, 'rpi-eeprom');
        ctx.server = m![1]!;
        ctx.file = m![2]!;
        ctx.getPending = true;
        ctx.rxAtGet = ctx.rx;
        ctx.arpSinceGet = 0;
        out.push({ kind: 'tftp-file', file: m![2]!, server: m![1]! });
      },
    },
    {
      id: 'eeprom.rx',
      start: ['RX: ', 'RX6: '],
      re: /^RX6?: (\d+) /,
      from: ['20', '03', '22', '100', '902', '904'],
      on: (m, _s, ctx) => {
        const rx = Number(m![1]);
        if (ctx.getPending && ctx.rxAtGet >= 0 && rx > ctx.rxAtGet + 1) ctx.getPending = false; // packets came: progress
        ctx.rx = rx;
      },
    },
    {
      id: 'eeprom.arp',
      start: 'ARP ',
      from: ['20', '44', '106'],
      on: (_m, _s, ctx, out) => {
        if (!ctx.loaders.has('rpi-eeprom')) return false;
        if (!ctx.getPending) return true;
        ctx.arpSinceGet += 1;
        if (ctx.arpSinceGet === STALL_ARPS) {
          ctx.getPending = false;
          tftpTimeout(ctx, out, `the transfer of ${ctx.file ?? 'the file'} stopped: only ARP lines after TFTP_GET`);
        }
      },
    },
    { id: 'eeprom.complete', start: 'TFTP: complete ', re: /^TFTP: complete (\d+)/, from: ['23'], on: (m, _s, ctx, out) => done(ctx, out, ctx.file, Number(m![1])) },
    { id: 'eeprom.read', start: 'Read ', re: /^Read (\S+) bytes\s+(\d+)/, from: ['23', '44', '610'], on: (m, _s, ctx, out) => done(ctx, out, m![1]!, Number(m![2])) },
    {
      id: 'eeprom.tftp-fail',
      start: 'TFTP',
      re: /^TFTP[^:]*:.*(not found|time(?:d)? ?out)/i,
      from: ['105', '02'],
      on: (m, s, ctx, out) => {
        if (s.startsWith('TFTP error:')) return false;
        if (/not found/i.test(m![1]!)) return tftpError(ctx, out, 1, s);
        return tftpTimeout(ctx, out, s);
      },
    },
    {
      id: 'eeprom.dhcp-timeout',
      start: 'DHCP',
      re: /^DHCP.*time(?:d)? ?out/i,
      from: ['504'],
      on: (_m, s, ctx, out) => dhcpFailed(ctx, out, s),
    },
    {
      id: 'eeprom.netboot-failed',
      start: 'NETBOOT init failed',
      from: ['02', '19'],
      on: (_m, _s, ctx, out) => {
        if (!ctx.linkUp) return linkDown(ctx, out, 'the EEPROM gave up waiting for an Ethernet link (NETBOOT init failed)');
        if (!ctx.bound) return dhcpFailed(ctx, out, 'the EEPROM got no usable DHCP answer (NETBOOT init failed)');
        out.push({ kind: 'boot-error', message: 'NETBOOT init failed' });
        return true;
      },
    },
  ],
};

/** Raspberry Pi 1-3 `bootcode.bin` booting from the network (Pi 3, Pi 2 v1.2): its USB Ethernet and DHCP lines. */
export const RPI_BOOTCODE: PatternTable = {
  family: 'rpi-bootcode',
  patterns: [
    {
      id: 'bootcode.banner',
      start: 'Raspberry Pi Bootcode',
      from: ['37', '804', '905'],
      on: (_m, _s, ctx, out) => banner(ctx, out, 'pi3-bootcode', null),
    },
    {
      id: 'bootcode.mac',
      start: 'Initialise ethernet with MAC',
      re: new RegExp(`(${MAC})?$`),
      from: ['37', '38', '200', '900'],
      on: (m, _s, ctx, out) => {
        announce(ctx, out, 'pi3-bootcode');
        out.push({ kind: 'net-device', device: m![1] ? `USB Ethernet ${m![1].toLowerCase()}` : 'USB Ethernet' });
      },
    },
    { id: 'bootcode.wait-link', start: 'Wait for Link up', from: ['37', '38', '900'], on: (_m, _s, _ctx, out) => void out.push({ kind: 'link-wait', device: 'USB Ethernet', mac: null }) },
    { id: 'bootcode.link-up', start: 'Link up', re: /^Link up\b(?! on)/, from: ['37'], on: (_m, _s, ctx, out) => linkUp(ctx, out, null) },
    { id: 'bootcode.link-failed', start: 'Failed to initialise link', from: ['38', '900'], on: (_m, s, ctx, out) => linkDown(ctx, out, s) },
    {
      id: 'bootcode.dhcp-request',
      start: 'Sending DHCP request',
      from: ['37', '804'],
      on: (_m, _s, _ctx, out) => void out.push({ kind: 'dhcp-request', attempt: null, iface: null, mac: null }),
    },
    {
      id: 'bootcode.dhcp-wait',
      start: 'Waiting for dhcp_reply',
      from: ['37', '804'],
      on: (_m, _s, ctx, out) => {
        ctx.dhcpWaits += 1;
        // the second unanswered request: DHCP fails unless an address still comes
        if (ctx.dhcpWaits === 2 && !ctx.bound) dhcpFailed(ctx, out, 'no answer to bootcode.bin\'s DHCP requests (Waiting for dhcp_reply, again)', true);
      },
    },
    {
      id: 'bootcode.ip',
      start: ['Got IP address', 'IP address is', 'Our IP address is', 'Our IP '],
      re: new RegExp(`(${IPV4})`),
      from: ['09'],
      on: (m, _s, ctx, out) => {
        ctx.bound = true;
        out.push({ kind: 'dhcp-bound', ip: m![1]!, server: null, ms: null });
      },
    },
    {
      id: 'bootcode.arp',
      start: 'ARP request: my IP addr ',
      re: new RegExp(`^ARP request: my IP addr (${IPV4})`),
      from: ['201', '202'],
      on: (m, _s, ctx, out) => {
        if (ctx.bound) return;
        ctx.bound = true;
        out.push({ kind: 'dhcp-bound', ip: m![1]!, server: null, ms: null });
      },
    },
    { id: 'bootcode.read-file', start: 'Read File: ', re: /^Read File: ([^,\s]+),? (\d+)/, from: ['201', '202', '905'], on: (m, _s, ctx, out) => done(ctx, out, m![1]!, Number(m![2])) },
  ],
};

function done(ctx: ClassifierContext, out: BootEventBody[], file: string | null, bytes: number): boolean {
  ctx.getPending = false;
  out.push({ kind: 'tftp-done', file, bytes });
  return true;
}
