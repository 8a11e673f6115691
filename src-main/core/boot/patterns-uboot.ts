import { IPV4 } from './classifier-context.js';
import type { PatternTable } from './pattern.js';
import { banner, dhcpFailed, linkDown, linkUp, tftpError, tftpTimeout } from './pattern-events.js';

/**
 * U-Boot, 2010 to 2026 (net/bootp.c, net/tftp.c, net/arp.c, cmd/pxe.c, cmd/source.c, boot/bootm.c, the PHY
 * drivers), as the corpus transcripts show it.
 */
export const UBOOT: PatternTable = {
  family: 'u-boot',
  patterns: [
    {
      id: 'uboot.banner-spl',
      start: 'U-Boot SPL ',
      re: /^U-Boot SPL (\S+)/,
      from: ['26', '07', '404'],
      on: (m, _s, ctx, out) => banner(ctx, out, 'u-boot-spl', m![1]!),
    },
    {
      id: 'uboot.banner',
      start: 'U-Boot ',
      re: /^U-Boot (\d[\w.-]*)/,
      from: ['04', '10', '26'],
      on: (m, _s, ctx, out) => banner(ctx, out, 'u-boot', m![1]!),
    },
    {
      id: 'uboot.board',
      start: ['Model: ', 'Board: ', 'RPI '],
      re: /^(?:Model: |Board: )?(.+)$/,
      from: ['05', '11', '12', '36', '404', '606'],
      on: (m, s, _ctx, out) => (s.startsWith('RPI ') && !/^RPI \d/.test(s) ? false : void out.push({ kind: 'board', name: m![1]!.trim() })),
    },
    {
      id: 'uboot.net',
      start: 'Net:',
      re: /^Net:\s+(.*)$/,
      from: ['04', '10', '26'],
      on: (m, _s, _ctx, out) => {
        if (/No ethernet found/i.test(m![1]!)) out.push({ kind: 'no-net-device' });
        else out.push({ kind: 'net-device', device: m![1]!.replace(/^eth\d+: /, '').trim() });
      },
    },
    {
      id: 'uboot.no-ethernet',
      start: 'No ethernet found',
      from: ['403', '36', '207'],
      on: (_m, _s, _ctx, out) => void out.push({ kind: 'no-net-device' }),
    },
    { id: 'uboot.using', start: 'Using ', re: /^Using (\S+) device/, from: ['04', '26'], on: (m, _s, _ctx, out) => void out.push({ kind: 'net-device', device: m![1]! }) },
    {
      id: 'uboot.bootp',
      start: 'BOOTP broadcast ',
      re: /^BOOTP broadcast (\d+)/,
      from: ['04', '13'],
      on: (m, _s, ctx, out) => {
        ctx.phase = 'dhcp';
        out.push({ kind: 'dhcp-request', attempt: Number(m![1]), iface: null, mac: null });
      },
    },
    {
      id: 'uboot.dhcp-bound',
      has: 'DHCP client bound to address',
      re: new RegExp(`DHCP client bound to address (${IPV4})(?: \\((\\d+) ms\\))?`),
      from: ['04', '12', '607'],
      on: (m, _s, ctx, out) => {
        ctx.bound = true;
        ctx.phase = 'none';
        out.push({ kind: 'dhcp-bound', ip: m![1]!, server: null, ms: m![2] === undefined ? null : Number(m![2]) });
      },
    },
    {
      id: 'uboot.tftp-from',
      start: 'TFTP from server ',
      re: new RegExp(`^TFTP from server (${IPV4}); our IP address is (${IPV4})`),
      from: ['04', '12'],
      on: (m, _s, ctx, out) => {
        ctx.server = m![1]!;
        ctx.phase = 'tftp';
        out.push({ kind: 'tftp-start', server: m![1]!, ip: m![2]! });
      },
    },
    {
      id: 'uboot.filename',
      start: 'Filename ',
      re: /^Filename '([^']*)'/,
      from: ['04', '12'],
      on: (m, _s, ctx, out) => {
        ctx.file = m![1]!;
        ctx.phase = 'tftp';
        out.push({ kind: 'tftp-file', file: m![1]!, server: ctx.server });
      },
    },
    {
      id: 'uboot.loading',
      start: 'Loading: ',
      from: ['04', '29', '34', '05', '06'],
      on: (_m, s, ctx, out) => {
        if (s.includes('bytes read')) return false; // CFE's own `Loading:` line
        let timeouts = 0;
        let data = false;
        for (let i = 9; i < s.length; i += 1) {
          const c = s.charCodeAt(i);
          if (c === 0x54 /* T */) timeouts += 1;
          else if (c === 0x23 /* # */ || (c >= 0x30 && c <= 0x39)) data = true;
        }
        ctx.phase = 'tftp';
        out.push({ kind: 'tftp-progress', timeouts });
        // no data at all (`Loading: *`, `Loading: T T T`): a stall unless something follows
        if (!data) out.push({ kind: 'tftp-timeout', reason: `no data received (${s.slice(0, 40).trim()})`, tentative: true });
        return true;
      },
    },
    {
      id: 'uboot.bytes',
      start: 'Bytes transferred = ',
      re: /^Bytes transferred = (\d+)/,
      from: ['04', '12'],
      on: (m, _s, ctx, out) => {
        ctx.phase = 'none';
        out.push({ kind: 'tftp-done', file: ctx.file, bytes: Number(m![1]) });
      },
    },
    {
      // old U-Boots end a transfer with `done` alone, without a `Bytes transferred =` line
      id: 'uboot.loading-done',
      start: 'done',
      re: /^done$/,
      from: ['833', '04', '405'],
      on: (_m, _s, ctx, out) => {
        if (ctx.phase !== 'tftp') return false;
        ctx.phase = 'none';
        out.push({ kind: 'tftp-done', file: ctx.file, bytes: null });
        return true;
      },
    },
    {
      id: 'uboot.retry-time',
      start: 'Retry time exceeded',
      from: ['32', '417'],
      on: (_m, _s, ctx, out) => dhcpFailed(ctx, out, 'no DHCP answer (Retry time exceeded)'),
    },
    {
      id: 'uboot.retry-count',
      start: 'Retry count exceeded',
      from: ['29', '33', '301', '705'],
      on: (_m, _s, ctx, out) => {
        if (ctx.phase === 'dhcp') dhcpFailed(ctx, out, 'no DHCP answer (BOOTP broadcasts, then Retry count exceeded)');
        else tftpTimeout(ctx, out, 'the transfer timed out (Retry count exceeded)');
      },
    },
    {
      id: 'uboot.server-died',
      start: 'TFTP server died',
      from: ['40', '411'],
      on: (_m, _s, ctx, out) => tftpTimeout(ctx, out, 'the TFTP server stopped answering (TFTP server died)'),
    },
    {
      id: 'uboot.arp-retry',
      start: 'ARP Retry count exceeded',
      from: ['31', '41'],
      on: (_m, _s, ctx, out) => {
        if (ctx.linkFailed && !ctx.linkUp) linkDown(ctx, out, `${ctx.linkFailed} (then ARP Retry count exceeded)`);
        else out.push({ kind: 'arp-failed' });
      },
    },
    { id: 'uboot.tftp-error', has: 'TFTP error', re: /TFTP error: '([^']*)' \((\d+)\)/, from: ['12', '06', '42', '303'], on: (m, _s, ctx, out) => tftpError(ctx, out, Number(m![2]), m![1]!) },
    { id: 'uboot.script', start: '## Executing script at ', re: /^## Executing script at (\S+)/, from: ['09', '07', '08'], on: (m, _s, _ctx, out) => void out.push({ kind: 'script-exec', address: m![1]! }) },
    {
      id: 'uboot.application',
      start: '## Starting application at ',
      re: /^## Starting application at (\S+)/,
      from: ['12'],
      on: (m, _s, _ctx, out) => void out.push({ kind: 'kernel-start', how: `go ${m![1]!}` }),
    },
    {
      id: 'uboot.bootm',
      start: ['## Booting kernel from Legacy Image', '## Booting FIT Image', '## Loading kernel from FIT Image', '## Booting Android Image'],
      from: ['41', '415', '10', '405'],
      on: (_m, s, _ctx, out) => void out.push({ kind: 'kernel-load', how: s.slice(3).replace(/ at .*| \.\.\..*/, '') }),
    },
    { id: 'uboot.starting-kernel', start: 'Starting kernel ...', from: ['07', '401', '04', '404'], on: (_m, _s, _ctx, out) => void out.push({ kind: 'kernel-start', how: 'Starting kernel' }) },
    { id: 'uboot.bootefi', start: 'Booting /', re: /^Booting \/(\S+)$/, from: ['45'], on: (m, _s, _ctx, out) => void out.push({ kind: 'kernel-start', how: `bootefi /${m![1]!}` }) },
    {
      id: 'uboot.autoboot',
      start: ['Hit any key to stop autoboot', 'Press SPACE to abort autoboot', 'Autoboot in '],
      from: ['04', '07'],
      on: (_m, _s, _ctx, out) => void out.push({ kind: 'autoboot' }),
    },
    { id: 'uboot.resetting', start: 'resetting ...', from: ['domain'], on: (_m, _s, _ctx, out) => void out.push({ kind: 'reset', reason: 'reset-command' }) },
    { id: 'uboot.no-serverip', start: "*** ERROR: `serverip' not set", from: ['11', '412', '702'], on: (_m, _s, _ctx, out) => void out.push({ kind: 'dhcp-no-server' }) },
    { id: 'uboot.link-up', start: ['link up on port ', 'Speed: '], re: /^(?:link up on port \d+, speed (\d+)|Speed: (\d+), (?:full|half) duplex)/, from: ['33', '18', '305'], on: (m, _s, ctx, out) => linkUp(ctx, out, m![1] ?? m![2] ?? null) },
    {
      id: 'uboot.phy-autoneg',
      has: 'Waiting for PHY auto negotiation to complete',
      re: /^(\S+)?\s*Waiting for PHY auto negotiation to complete[. ]*(done|TIMEOUT)?/,
      from: ['40', '407', '417', '28', '805'],
      on: (m, _s, ctx, out) => {
        if (m![2] === 'done') return linkUp(ctx, out, null);
        if (m![2] === 'TIMEOUT') return linkDown(ctx, out, `${m![1] ?? 'PHY'}: PHY auto-negotiation timed out`);
        out.push({ kind: 'link-wait', device: m![1] ?? null, mac: null });
        return true;
      },
    },
    {
      id: 'uboot.wait-ethernet',
      has: 'Ethernet connection...',
      re: /Ethernet connection\.\.\.\s*(done|unable to connect)?/,
      from: ['34', '35'],
      on: (m, _s, ctx, out) => {
        if (m![1] === 'done') return linkUp(ctx, out, null);
        if (m![1] === 'unable to connect') return linkDown(ctx, out, 'Waiting for Ethernet connection... unable to connect');
        out.push({ kind: 'link-wait', device: null, mac: null });
        return true;
      },
    },
    {
      // QUICC Engine UEC driver: `UEC3: Link is up` / `UEC3: Link is down`
      id: 'uboot.uec-link',
      has: ': Link is ',
      re: /^(UEC\d+): Link is (up|down)$/,
      from: ['833'],
      on: (m, _s, ctx, out) => (m![2] === 'up' ? linkUp(ctx, out, null) : linkDown(ctx, out, `${m![1]!}: Link is down`)),
    },
    { id: 'uboot.no-link', has: ': No link', re: /^(\S+): No link/, from: ['28'], on: (m, _s, ctx, out) => linkDown(ctx, out, `${m![1]!}: No link`) },
    { id: 'uboot.phy-init', start: 'Could not initialize PHY', from: ['417', '831'], on: (_m, s, ctx, out) => linkDown(ctx, out, s) },
    {
      id: 'uboot.boot-error',
      start: ['Wrong Image Format for bootm command', "ERROR: can't get kernel image!", 'Bad Linux ARM64 Image magic!', 'Cannot autoload with TFTPGET', '** Unable to read file', "Unknown command '"],
      from: ['414', '410', '12'],
      on: (_m, s, _ctx, out) => void out.push({ kind: 'boot-error', message: s }),
    },
  ],
};
