import { z } from 'zod';
import { FilePath } from '../schemas.js';

const Check = z.object({
  id: z.enum(['dhcp', 'identity', 'fetch', 'transfer', 'run']),
  title: z.string(),
  state: z.enum(['pending', 'ok', 'failed', 'skipped']),
  evidence: z.string().nullable(),
  at: z.number().nullable(),
});

/** The verdict of a board check, as the CLI's --json last line and the UI show it. */
export const CheckVerdict = z.object({
  verdict: z.enum(['pass', 'fail', 'pending']),
  model: z.string(),
  mac: z.string().nullable(),
  ip: z.string().nullable(),
  vci: z.string().nullable(),
  uci: z.string().nullable(),
  files: z.array(z.object({ name: z.string(), result: z.enum(['started', 'complete', 'not-found', 'refused', 'timeout', 'error', 'seen-on-console']), bytes: z.number().nullable() })),
  checks: z.array(Check),
  diagnosis: z.string().nullable(),
  elapsedMs: z.number(),
});

/** A node model: any string after walt.node. that can name a WalT image (new boards too). */
const Model = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a node model such as rpi-4-b');

/** Commands of the boot check. */
export const checkCommands = {
  /** Checks one board: runs the bench on the link (serving, or observing a real WalT server) until the verdict. */
  'check.start': {
    input: z.object({
      iface: z.string().regex(/^[A-Za-z0-9_.:@-]{1,15}$/, 'an interface name such as eth1'),
      expect: Model,
      mode: z.enum(['observe', 'serve']).default('serve'),
      root: FilePath.optional(),
      mac: z.string().regex(/^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$/).optional(),
      /** The board's serial console (115200 8N1), watched too: the script is seen running there. */
      port: z.string().regex(/^\/dev\/[A-Za-z0-9._/-]+$/, 'a serial device such as /dev/ttyUSB0').optional(),
      timeoutS: z.number().int().min(5).max(3600).default(120),
    }),
    output: CheckVerdict,
  },
  /** Stops the running check (and its bench). */
  'check.stop': { input: z.object({}), output: CheckVerdict.nullable() },
} as const;

/** Events of the boot check. */
export const checkEvents = {
  /** The checklist changed. */
  'check.update': CheckVerdict,
  /** The check reached its verdict. */
  'check.done': CheckVerdict,
} as const;
