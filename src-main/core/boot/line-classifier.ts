import type { BootEventBody } from './boot-event.js';
import { type ClassifierContext, type LineRule, type LineScan, newContext } from './classifier-context.js';
import { firmwareRule } from './classifier-firmware.js';
import { ipxeRule } from './classifier-ipxe.js';
import { linuxRule } from './classifier-linux.js';
import { ubootRule } from './classifier-uboot.js';

const KERNEL_TIME = /^\[\s*\d+\.\d+\]\s?/;
/** What classify() returns for the many lines that carry no event (never mutated). */
const NO_EVENTS: readonly BootEventBody[] = [];
/**
 * The rules, tried in this order until one consumes the line. Called one by one rather than looped over: each call
 * site then sees one function, which V8 can inline.
 */
const [LINUX, UBOOT, FIRMWARE, IPXE] = [linuxRule, ubootRule, firmwareRule, ipxeRule] as const satisfies readonly LineRule[];
/**
 * Every substring a rule searches for anywhere in a line (not only at its start): one scan of this regex per line
 * replaces one search per substring, and the rules search only when it matched. A rule that searches a line for a
 * new substring must add it here.
 */
const ANYWHERE = /Kernel panic|Waiting for|TFTP error|Wrong image format/;

/** Lines -> boot events: tries each bootloader's rules on the trimmed line (kernel timestamps removed). */
export class LineClassifier {
  private ctx: ClassifierContext = newContext();
  /** Reused for every line (the rules read it during classify() only). */
  private readonly scan: LineScan = { anywhere: false, firstSpace: -1 };

  /** Forgets the current attempt (after a reset). */
  newCycle(): void {
    this.ctx = newContext();
  }

  /** The events one console line carries (usually none; then a shared empty list). */
  classify(text: string): readonly BootEventBody[] {
    let s = text.trim();
    if (s.length < 3) return NO_EVENTS;
    if (s.charCodeAt(0) === 0x5b) s = withoutKernelTime(s);
    const out: BootEventBody[] = [];
    this.scan.anywhere = ANYWHERE.test(s);
    this.scan.firstSpace = s.indexOf(' ');
    const { ctx, scan } = this;
    if (!LINUX(s, ctx, out, scan) && !UBOOT(s, ctx, out, scan) && !FIRMWARE(s, ctx, out, scan)) IPXE(s, ctx, out, scan);
    return out.length === 0 ? NO_EVENTS : out;
  }

  /** A login prompt still waiting on an unfinished line (`host login: ` has no newline), or null. */
  promptIn(pending: string): BootEventBody | null {
    const m = /^(\S+) login:\s*$/.exec(pending.trim() + ' ');
    return m ? { kind: 'login-prompt', host: m[1]! } : null;
  }
}

/** The line without its leading kernel timestamp (`[    1.234567] `), if it has one. */
function withoutKernelTime(s: string): string {
  const m = KERNEL_TIME.exec(s);
  return m ? s.slice(m[0].length) : s;
}
