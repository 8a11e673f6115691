import { assertNever } from '../util/assert-never.js';
import { formatBytes } from '../util/format.js';
import type { BootEvent, Loader } from './boot-event.js';
import { STAGE_LABELS, type StageId } from './stages.js';
import type { FileRequest, Mark, Outcome } from './verdict.js';

/** What the diagnosis is written from. */
export interface DiagnosisFacts {
  outcome: Outcome;
  deciding: Mark | null;
  files: readonly FileRequest[];
  ip: string | null;
  server: string | null;
  loaders: readonly Loader[];
  furthest: StageId | null;
  resets: number;
  resetLoop: boolean;
  expectedModel: string | null;
  probe: Extract<BootEvent, { kind: 'probe' }> | null;
  lastWaltStep: string | null;
  login: string | null;
  lines: number;
  /** Weak failures seen (generic errors, `serverip` not set...), for the hints. */
  notes: readonly BootEvent[];
}

/** The WalT boot files a Raspberry Pi U-Boot asks for, newest first. */
const WALT_UBOOT_FILES = ['fit-start.uboot', 'start.uboot'];

const fileText = (f: FileRequest): string => `${f.name}${f.size === null ? '' : ` (${formatBytes(f.size)})`}`;

/** A technician's explanation of a verdict, with WalT-specific hints. */
export function diagnose(f: DiagnosisFacts): { diagnosis: string; hints: string[] } {
  const hints: string[] = [];
  const model = f.expectedModel ?? f.probe?.model ?? null;
  const modelText = model ?? '<model>';
  const from = f.server ? ` from ${f.server}` : '';
  const srv = f.server ? ` ${f.server}` : '';
  let diagnosis: string;
  switch (f.outcome) {
    case 'success': {
      const ok = f.files.filter((x) => x.status === 'ok' || x.status === 'requested');
      const parts = [f.ip ? `Got address ${f.ip}${from}` : 'The board got on the network'];
      if (ok.length > 0) parts.push(`fetched ${ok.map(fileText).join(', ')}`);
      if (f.login) parts.push(`reached the login prompt (${f.login})`);
      else if (f.lastWaltStep) parts.push(`walt-init is at "${f.lastWaltStep}"`);
      else if (f.furthest === 'kernel') parts.push('the kernel started');
      diagnosis = parts.join(', ') + '.';
      const panic = f.notes.find((n) => n.kind === 'kernel-panic');
      if (panic?.kind === 'kernel-panic') diagnosis += ` Then the kernel panicked: ${panic.message}. The network boot worked; the image or its kernel command line is at fault.`;
      const harmless = f.files.filter((x) => x.status === 'not-found');
      if (harmless.some((x) => x.name === 'fit-start.uboot')) {
        hints.push('fit-start.uboot was not found first: normal with an image older than 2025, the board fell back to start.uboot.');
      } else if (harmless.length > 0) {
        hints.push(`${harmless.map((x) => x.name).join(', ')} not found first: harmless, the boot went on.`);
      }
      break;
    }
    case 'link-down':
      if (f.deciding?.event.kind === 'no-net-device') {
        diagnosis = 'U-Boot found no network device. On a Pi 1-3 the USB Ethernet only appears after `usb start`; if it never appears, the board or its U-Boot build has no usable Ethernet.';
      } else {
        diagnosis = `No Ethernet link (${reasonOf(f.deciding)}): check the cable and the switch port, and that the switch is powered. A node wired straight to the WalT server without a switch does not work.`;
      }
      if (f.loaders.includes('rpi-eeprom')) hints.push('The Pi EEPROM gave up before DHCP: with BOOT_ORDER it then tries the next boot mode (SD).');
      break;
    case 'dhcp-failure':
      diagnosis = `No usable DHCP answer (${reasonOf(f.deciding)}): the WalT server is down, not on this link, or the board is on another VLAN.`;
      hints.push('Check that the WalT server is running and that its DHCP service listens on the network of this port.');
      break;
    case 'tftp-not-found': {
      const missing = f.files.filter((x) => x.status === 'not-found').map((x) => x.name);
      const bothWalt = WALT_UBOOT_FILES.every((n) => missing.includes(n));
      if (bothWalt) {
        diagnosis = `The server${srv} has neither fit-start.uboot nor start.uboot for this board: it has no default image for this model yet, or the node is unknown to it.`;
        hints.push(`Make the default image available on the server: waltplatform/${modelText}-default (walt image ... or a server update), then power-cycle the board.`);
      } else {
        const last = missing[missing.length - 1] ?? 'the file';
        diagnosis = `The server${srv} answered "File not found" for ${last}.`;
        if (last === 'start.uboot' || last === 'fit-start.uboot') {
          hints.push(`The node's image must provide /boot/${modelText}/${last}; a new model needs waltplatform/${modelText}-default on the server.`);
        } else hints.push('The DHCP answer or the boot script names a file the TFTP server does not have: check the boot file name and the TFTP root.');
      }
      if (f.resetLoop) hints.push(`The board resets and retries in a loop (${f.resets} resets): it will keep doing so until the server can serve it.`);
      break;
    }
    case 'tftp-timeout':
      diagnosis = `The TFTP transfer${from} timed out (T T T..., Retry count exceeded): TFTP is blocked (a firewall) or next-server / serverip points at the wrong machine.`;
      break;
    case 'arp-failure':
      diagnosis = `Nobody answered ARP for the server${srv} (ARP Retry count exceeded): the server address (next-server / serverip) is wrong or that machine is not on this link.`;
      break;
    case 'other':
      diagnosis = otherDiagnosis(f);
      break;
    default:
      return assertNever(f.outcome, 'outcome');
  }
  if (f.resetLoop && f.outcome !== 'tftp-not-found') {
    hints.push(`The board resets in a loop (${f.resets} resets): a watchdog or a failed fetch restarts it each time.`);
  }
  for (const n of f.notes) {
    if (n.kind === 'dhcp-no-server') hints.push('The DHCP answer carried no next-server (U-Boot: `serverip` not set): the DHCP server is not a WalT server, or is misconfigured.');
  }
  probeHints(f, hints);
  return { diagnosis, hints };
}

function reasonOf(m: Mark | null): string {
  if (!m) return 'no detail';
  const e = m.event;
  if (e.kind === 'link-down' || e.kind === 'dhcp-failed') return e.reason;
  return e.text.trim();
}

function otherDiagnosis(f: DiagnosisFacts): string {
  if (f.lines === 0) {
    return 'No output on the console: check the wiring (TX/RX swapped, GND), 115200 baud, enable_uart=1 in config.txt, a 3.3 V adapter. PC nodes print nothing on serial.';
  }
  const e = f.deciding?.event;
  if (e?.kind === 'kernel-panic') return `The kernel panicked: ${e.message}. The network boot worked; the image or its kernel command line is at fault.`;
  if (e) return `The boot stopped with "${e.text.trim()}" (at ${f.furthest ? STAGE_LABELS[f.furthest] : 'the start'}).`;
  if (f.furthest === null || f.furthest === 'power' || f.furthest === 'firmware') {
    return 'The bootloader printed no network boot attempt yet (no DHCP request seen).';
  }
  return `The boot went as far as "${STAGE_LABELS[f.furthest]}" without a known failure, and without fetching a boot file.`;
}

/** Hints from the probe line (`WALT-BENCH start.uboot model=... vci=... mac=... ip=...`) and --expect. */
function probeHints(f: DiagnosisFacts, hints: string[]): void {
  const p = f.probe;
  if (!p) {
    return;
  }
  if (p.vci && !p.vci.startsWith('walt.node.')) {
    hints.push(`The board's DHCP vendor class is "${p.vci}", not walt.node.<model>: bootp_vci is unset (wrong card or U-Boot build for this board).`);
  } else if (p.vci && /\.dtb$/.test(p.vci)) {
    hints.push(`The vendor class "${p.vci}" names a device tree, not a model: this board is not supported by the card's U-Boot.`);
  }
  if (f.expectedModel && p.model && p.model !== f.expectedModel) {
    hints.push(`The board reports model ${p.model} but ${f.expectedModel} was expected: wrong card or wrong board.`);
  }
}
