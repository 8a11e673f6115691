import { expectedStartFiles, identify, judgeIdentity, WALT_CLASS_PREFIX } from '../walt/vci.js';
import type { ConsoleSeen, DhcpSeen, TftpSeen } from './inputs.js';

/** The checks of one board session, in the order of the seed's workflow (plus the link before it). */
export const CHECK_IDS = ['dhcp', 'identity', 'fetch', 'transfer', 'run'] as const;
/** One check's id. */
export type CheckId = (typeof CHECK_IDS)[number];

/** Titles of the checks, as the technician reads them (the seed's steps 1-4 follow the first). */
export const CHECK_TITLES: Record<CheckId, string> = {
  dhcp: 'Link up and DHCP request seen from the board',
  identity: 'Identifies its model: DHCP vendor/user class = walt.node.<model>',
  fetch: 'Requests its start file by TFTP',
  transfer: 'Downloads it completely',
  run: 'Executes it',
};

/** One check's state, with its evidence. */
export interface Check {
  id: CheckId;
  title: string;
  /** skipped: cannot be seen in this session (no serial port to watch the script run). */
  state: 'pending' | 'ok' | 'failed' | 'skipped';
  evidence: string | null;
  /** When it was decided (ms since the check started). */
  at: number | null;
}

/** A file the board asked for, and how it went. */
export interface FileSeen {
  name: string;
  result: TftpSeen['result'] | 'seen-on-console';
  bytes: number | null;
}

/** The verdict of a session. */
export interface CheckVerdict {
  verdict: 'pass' | 'fail' | 'pending';
  model: string;
  mac: string | null;
  ip: string | null;
  vci: string | null;
  uci: string | null;
  files: FileSeen[];
  checks: Check[];
  diagnosis: string | null;
}

/** What the session is told at start. */
export interface BootCheckOptions {
  /** The model the technician expects (any string: new boards too). */
  expected: string;
  /** A known MAC for the board (else: the first client that looks like this board). */
  mac?: string | null;
  /** True when the bench serves probe scripts (the probe line then proves execution and the VCI). */
  serving: 'probe' | 'root' | 'observe';
  /** True when a serial console is watched too (otherwise the "runs it" check is skipped). */
  serial: boolean;
}

/**
 * One board's boot check, as an explicit state machine over five checks: each pending, then ok or failed with its
 * evidence and time. The network (DHCP/TFTP on the desk link) and the console (the boot analyzer's events) are
 * joined by the board's MAC and the address it was given. Pure: feed it events, read `verdict()`.
 */
export class BootCheck {
  private readonly checks = new Map<CheckId, Check>();
  private mac: string | null;
  private ip: string | null = null;
  private vci: string | null = null;
  private uci: string | null = null;
  private readonly files: FileSeen[] = [];
  private diagnosis: string | null = null;
  private readonly startFiles: string[];

  constructor(private readonly options: BootCheckOptions) {
    this.mac = options.mac?.toLowerCase() ?? null;
    for (const id of CHECK_IDS) this.checks.set(id, { id, title: CHECK_TITLES[id], state: 'pending', evidence: null, at: null });
    if (!options.serial) {
      this.checks.set('run', { ...this.checks.get('run')!, state: 'skipped', evidence: 'no serial port given: the console is where a script is seen running' });
    }
    this.startFiles = expectedStartFiles(options.expected);
  }

  /** A DHCP packet seen on the link. Returns true when a check changed. */
  onDhcp(d: DhcpSeen): boolean {
    const mac = d.mac.toLowerCase();
    if (d.direction === 'server') {
      if (mac === this.mac && d.yourIp && d.yourIp !== '0.0.0.0' && d.type === 'ACK') this.ip = d.yourIp;
      return false;
    }
    if (this.mac === null) {
      // Without a known MAC the board is the first client that speaks like a WalT bootloader, else the first one.
      const id = identify(d.vendorClass ?? undefined, d.userClass ?? undefined, mac);
      if (id.kind !== 'walt' && id.kind !== 'uboot-default' && id.kind !== 'rpi-firmware' && id.kind !== 'pxe-firmware') return false;
      this.mac = mac;
    }
    if (mac !== this.mac) return false;
    // The first request from the board is the evidence; later ones do not move it.
    let changed = this.checks.get('dhcp')!.state === 'pending' ? this.decide('dhcp', 'ok', `${d.type} from ${mac}`, d.at) : false;
    const id = identify(d.vendorClass ?? undefined, d.userClass ?? undefined, mac);
    this.vci = d.vendorClass;
    this.uci = d.userClass?.join(',') ?? null;
    const judged = judgeIdentity(id, this.options.expected);
    const identity = this.checks.get('identity')!;
    // A Pi 4/5 firmware request comes before U-Boot: it does not fail the check; U-Boot's own request decides it.
    if (id.kind === 'rpi-firmware' && identity.state === 'pending') {
      this.diagnosis = judged.explanation;
      return changed;
    }
    if (identity.state !== 'ok') changed = this.decide('identity', judged.ok ? 'ok' : 'failed', judged.explanation, d.at) || changed;
    if (!judged.ok) this.diagnosis = judged.explanation;
    return changed;
  }

  /** A TFTP request seen on the link. */
  onTftp(t: TftpSeen): boolean {
    if (this.ip !== null && t.clientIp !== this.ip) return false;
    if (this.ip === null) this.ip = t.clientIp;
    const name = t.filename.replace(/^\/+/, '');
    if (t.result !== 'started') this.files.push({ name, result: t.result, bytes: t.result === 'complete' ? t.bytes : null });
    const isStart = this.startFiles.includes(name) || /^boot\/(rpi-.*\.uboot|pc-x86-(64|32)\.ipxe)$/.test(name);
    if (!isStart) return false;
    let changed = false;
    if (t.result === 'started' || t.result === 'complete') {
      changed = this.decide('fetch', 'ok', `requested ${this.requestedList()}`, t.at) || changed;
    }
    switch (t.result) {
      case 'complete':
        changed = this.decide('transfer', 'ok', `${name}: ${t.bytes} bytes${t.servedFrom ? ` (from ${t.servedFrom})` : ''}`, t.at) || changed;
        break;
      case 'not-found': {
        const all = this.startFiles.every((f) => this.files.some((x) => x.name === f && x.result === 'not-found'));
        const last = name === this.startFiles[this.startFiles.length - 1];
        if (all || last) {
          this.diagnosis = this.notFoundDiagnosis();
          changed = this.decide('fetch', 'failed', `${this.requestedList()}: File not found`, t.at) || changed;
        }
        break;
      }
      case 'timeout':
      case 'error':
      case 'refused':
        this.diagnosis = `the transfer of ${name} broke: ${t.message ?? t.result}`;
        changed = this.decide('transfer', 'failed', `${name}: ${t.message ?? t.result}`, t.at) || changed;
        break;
      case 'started':
        break;
    }
    return changed;
  }

  /** A console event (from the serial boot analyzer). */
  onConsole(e: ConsoleSeen): boolean {
    switch (e.kind) {
      case 'dhcp-bound':
        if (e.ip && this.ip === null) this.ip = e.ip;
        return false;
      case 'probe': {
        if (e.mac && this.mac === null) this.mac = e.mac.toLowerCase();
        if (e.ip) this.ip = e.ip;
        const vci = e.vci ? ` vci=${e.vci}` : '';
        let changed = this.decide('run', 'ok', `the probe script ran on the board: console printed${vci} mac=${e.mac ?? '?'} ip=${e.ip ?? '?'}`, e.at);
        if (e.vci && this.checks.get('identity')!.state === 'pending') {
          const v = judgeIdentity(identify(e.vci, undefined, this.mac ?? ''), this.options.expected);
          changed = this.decide('identity', v.ok ? 'ok' : 'failed', `${v.explanation} (from the console)`, e.at) || changed;
        }
        return changed;
      }
      case 'script-exec':
        return this.options.serving === 'probe' ? false : this.decide('run', 'ok', 'console: ## Executing script', e.at);
      case 'script-error':
        this.diagnosis = `the start script did not run: ${e.message}`;
        return this.decide('run', 'failed', `console: ${e.message}`, e.at);
      case 'tftp-file':
        if (!this.files.some((f) => f.name === e.file)) this.files.push({ name: e.file, result: 'seen-on-console', bytes: null });
        return false;
      case 'tftp-done':
      case 'tftp-error':
      case 'reset':
        return false;
    }
  }

  /** The time is up: what is still pending fails, with what is missing in a technician's words. */
  onTimeout(at: number, seconds: number): void {
    for (const c of this.checks.values()) {
      if (c.state !== 'pending') continue;
      this.decide(c.id, 'failed', `not seen within ${seconds} s`, at);
      this.diagnosis ??= this.missingDiagnosis(c.id);
    }
  }

  /** The verdict so far. */
  verdict(): CheckVerdict {
    const checks = [...this.checks.values()];
    const failed = checks.some((c) => c.state === 'failed');
    const done = checks.every((c) => c.state === 'ok' || c.state === 'skipped');
    return {
      verdict: failed ? 'fail' : done ? 'pass' : 'pending',
      model: this.options.expected,
      mac: this.mac,
      ip: this.ip,
      vci: this.vci,
      uci: this.uci,
      files: [...this.files],
      checks,
      diagnosis: this.diagnosis,
    };
  }

  private decide(id: CheckId, state: 'ok' | 'failed', evidence: string, at: number): boolean {
    const c = this.checks.get(id)!;
    if (c.state === 'skipped' && !this.options.serial) return false;
    if (c.state === state && c.evidence === evidence) return false;
    if (c.state === 'ok' && state === 'failed' && id !== 'identity') return false;
    this.checks.set(id, { ...c, state, evidence, at });
    return true;
  }

  private requestedList(): string {
    const names = [...new Set(this.files.map((f) => f.name))];
    return names.length ? names.join(', then ') : 'its start file';
  }

  private notFoundDiagnosis(): string {
    const model = this.options.expected;
    if (this.options.serving === 'root') {
      return `the image root has no boot/${model}/${this.startFiles.at(-1)}: this image does not support ${model} (or its boot files are elsewhere)`;
    }
    return `the server has neither ${this.startFiles.join(' nor ')} for this board: it has no default image for ${model} yet (waltplatform/${model}-default), or the node is unknown to it`;
  }

  private missingDiagnosis(id: CheckId): string {
    switch (id) {
      case 'dhcp':
        return 'no DHCP request from the board: check the cable and the link, that the board is powered, and that its card holds a network bootloader';
      case 'identity':
        return `no DHCP class seen from the board: expected ${WALT_CLASS_PREFIX}${this.options.expected}`;
      case 'fetch':
        return 'the board got an address but requested no start file: its boot script stops before TFTP (check its console)';
      case 'transfer':
        return 'the start file transfer did not complete: TFTP blocked, or the board reset mid-transfer';
      case 'run':
        return 'the start file was fetched but never ran: the console shows why (wrong image format for "source"?); give --port to watch it';
    }
  }
}
