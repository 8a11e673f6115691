/**
 * What a boot says on its console, one fact per event. Shared by the live timeline, `walt-bench analyze`, and the
 * boot check of issue 5 (which joins these with DHCP/TFTP seen on the wire, by MAC and IP): every event that names
 * an address, a MAC, a server or a file carries it as a field.
 */

/** Every program whose banner the analyzer knows. */
export const LOADERS = ['rpi-eeprom', 'pi3-bootcode', 'uefi-pxe', 'u-boot-spl', 'u-boot', 'ipxe', 'grub', 'pxelinux', 'other'] as const;

/** Which program printed a banner. */
export type Loader = (typeof LOADERS)[number];

/** The facts an event carries, by kind. */
export type BootEventBody =
  | { kind: 'banner'; loader: Loader; version: string | null }
  | { kind: 'board'; name: string }
  | { kind: 'autoboot' }
  | { kind: 'net-device'; device: string }
  | { kind: 'no-net-device' }
  | { kind: 'link-wait'; device: string | null; mac: string | null }
  | { kind: 'link-up'; detail: string | null }
  | { kind: 'link-down'; reason: string; tentative?: boolean }
  | { kind: 'dhcp-request'; attempt: number | null; iface: string | null; mac: string | null }
  | { kind: 'dhcp-bound'; ip: string | null; server: string | null; ms: number | null }
  | { kind: 'dhcp-failed'; reason: string; tentative?: boolean }
  | { kind: 'dhcp-no-server' }
  | { kind: 'tftp-start'; server: string; ip: string | null }
  | { kind: 'tftp-file'; file: string; server: string | null }
  | { kind: 'tftp-progress'; timeouts: number }
  | { kind: 'tftp-done'; file: string | null; bytes: number | null }
  | { kind: 'tftp-error'; code: number | null; message: string; notFound: boolean; tentative?: boolean }
  | { kind: 'tftp-timeout'; reason: string; tentative?: boolean }
  | { kind: 'arp-failed' }
  | { kind: 'script-exec'; address: string | null }
  | { kind: 'script-error'; message: string }
  | { kind: 'boot-error'; message: string }
  | { kind: 'kernel-load'; how: string }
  | { kind: 'kernel-start'; how: string }
  | { kind: 'linux-start'; version: string | null }
  | { kind: 'kernel-panic'; message: string }
  | { kind: 'walt-init'; step: string }
  | { kind: 'login-prompt'; host: string }
  | { kind: 'reset'; reason: 'reset-command' | 'new-banner' | 'kernel-restart' }
  | { kind: 'reset-loop'; resets: number }
  | { kind: 'probe'; model: string | null; vci: string | null; mac: string | null; ip: string | null };

/**
 * `tentative` failures are guesses: a transfer that shows no data when the log ends, DHCP requests that were not yet
 * answered, a generic word from an unknown bootloader. They decide only when nothing firmer came after them, and a
 * verdict they decide has low confidence.
 */

/** Every event kind. */
export type BootEventKind = BootEventBody['kind'];

/** Where and when an event was seen. */
export interface BootEventPlace {
  /** Arrival time of the line (the caller's clock, ms). */
  t: number;
  /** Line number in the session (1-based). */
  line: number;
  /** Boot attempt: 0, then +1 at every reset. */
  cycle: number;
  /** The console line it came from. */
  text: string;
}

/** One boot event with its place. */
export type BootEvent = BootEventBody & BootEventPlace;

/** Every event kind, for schemas and exhaustive tests. */
export const BOOT_EVENT_KINDS: readonly BootEventKind[] = [
  'banner', 'board', 'autoboot', 'net-device', 'no-net-device', 'link-wait', 'link-up', 'link-down',
  'dhcp-request', 'dhcp-bound', 'dhcp-failed', 'dhcp-no-server', 'tftp-start', 'tftp-file', 'tftp-progress',
  'tftp-done', 'tftp-error', 'tftp-timeout', 'arp-failed', 'script-exec', 'script-error', 'boot-error',
  'kernel-load', 'kernel-start', 'linux-start', 'kernel-panic', 'walt-init', 'login-prompt', 'reset', 'reset-loop', 'probe',
];

/** The event of one kind (or of a few). */
export type EventOf<K extends BootEventKind> = Extract<BootEvent, { kind: K }>;
