import type { BootEventBody } from './boot-event.js';
import { type ClassifierContext, type LineRule, newContext } from './classifier-context.js';
import { firmwareRule } from './classifier-firmware.js';
import { ipxeRule } from './classifier-ipxe.js';
import { linuxRule } from './classifier-linux.js';
import { ubootRule } from './classifier-uboot.js';

const KERNEL_TIME = /^\[\s*\d+\.\d+\]\s?/;
const RULES: readonly LineRule[] = [linuxRule, ubootRule, firmwareRule, ipxeRule];

/** Lines -> boot events: tries each bootloader's rules on the trimmed line (kernel timestamps removed). */
export class LineClassifier {
  private ctx: ClassifierContext = newContext();

  /** Forgets the current attempt (after a reset). */
  newCycle(): void {
    this.ctx = newContext();
  }

  /** The events one console line carries (usually none). */
  classify(text: string): BootEventBody[] {
    let s = text.trim();
    if (s.length < 3) return [];
    if (s.charCodeAt(0) === 0x5b && KERNEL_TIME.test(s)) s = s.replace(KERNEL_TIME, '');
    const out: BootEventBody[] = [];
    for (const rule of RULES) if (rule(s, this.ctx, out)) break;
    return out;
  }

  /** A login prompt still waiting on an unfinished line (`host login: ` has no newline), or null. */
  promptIn(pending: string): BootEventBody | null {
    const m = /^(\S+) login:\s*$/.exec(pending.trim() + ' ');
    return m ? { kind: 'login-prompt', host: m[1]! } : null;
  }
}
