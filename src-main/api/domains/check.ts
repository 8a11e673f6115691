import { z } from 'zod';
import { FilePath } from '../schemas.js';
import { lazyDomain } from '../lazy-domain.js';

/**
 * The Check domain (the boot check and the rack check). Its schemas are built the first time the contract looks up
 * one of its names, so a one-shot CLI command pays only for the domains it calls.
 */
export const checkDomain = lazyDomain(() => {
  const Check = z.object({
    id: z.enum(['dhcp', 'identity', 'fetch', 'transfer', 'run']),
    title: z.string(),
    state: z.enum(['pending', 'ok', 'failed', 'skipped']),
    evidence: z.string().nullable(),
    at: z.number().nullable(),
  });

  /** The verdict of a board check, as the CLI's --json last line and the UI show it. */
  const CheckVerdict = z.object({
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

  const Mac = z.string().regex(/^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$/, 'a MAC address such as dc:a6:32:01:02:03');

  /** What model each board of a rack must send: one for all, a MAC -> model map (from a CSV), or any walt.node.*. */
  const RackExpect = z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('model'), model: Model }),
    z.object({ kind: z.literal('map'), map: z.record(Mac, Model) }),
    z.object({ kind: z.literal('any') }),
  ]);

  /** Starts a rack check. */
  const RackStartInput = z.object({
    iface: z.string().regex(/^[A-Za-z0-9_.:@-]{1,15}$/, 'an interface name such as eth1'),
    expect: RackExpect,
    mode: z.enum(['observe', 'serve']).default('serve'),
    root: FilePath.optional(),
    /** Serial consoles to watch (115200 8N1), each joined to its board by evidence (MAC/IP printed or seen). */
    ports: z.array(z.string().regex(/^\/dev\/[A-Za-z0-9._/-]+$/, 'a serial device such as /dev/ttyUSB0')).max(64).default([]),
    timeoutS: z.number().int().min(5).max(3600).default(120),
  });

  /** One board of a rack check (one row): its current attempt's checks, and how many attempts it made. */
  const RackBoard = z.object({
    mac: z.string(),
    verdict: z.enum(['pass', 'fail', 'pending']),
    /** The model expected for this board (null: any walt.node.* — then the model it sent once seen). */
    model: z.string().nullable(),
    /** The model the board sent (walt.node.<model>), null when it sent none or a non-walt class. */
    modelSent: z.string().nullable(),
    /** walt: speaks like a WalT bootloader; other: a non-walt client, listed and explained, never answered. */
    kind: z.enum(['walt', 'other']),
    vci: z.string().nullable(),
    uci: z.string().nullable(),
    ip: z.string().nullable(),
    files: CheckVerdict.shape.files,
    checks: z.array(Check),
    diagnosis: z.string().nullable(),
    /** 1 at first; a new DISCOVER after progress (a reboot) starts the next attempt. */
    attempts: z.number().int().min(1),
    /** The serial console joined to this board by evidence, if any. */
    port: z.string().nullable(),
    /** ms since the rack check started. */
    firstSeenMs: z.number(),
    lastChangeMs: z.number(),
  });

  /** The rack check's state: every board seen so far. */
  const RackSnapshot = z.object({
    running: z.boolean(),
    iface: z.string(),
    expect: RackExpect,
    timeoutS: z.number(),
    elapsedMs: z.number(),
    boards: z.array(RackBoard),
    /** Consoles given and the board each is joined to (null: not joined yet). */
    ports: z.array(z.object({ port: z.string(), mac: z.string().nullable(), error: z.string().nullable() })),
  });

  /** One board event of a rack check. */
  const RackEvent = z.object({
    kind: z.enum(['board-appeared', 'check-changed', 'attempt-started', 'console-joined', 'verdict']),
    /** The check that changed (check-changed only). */
    check: z.enum(['dhcp', 'identity', 'fetch', 'transfer', 'run']).nullable(),
    board: RackBoard,
  });

  /** Commands of the boot check. */
  const checkCommands = {
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
    /** Checks every board on the link at once (a rack): each board keyed by MAC, with its own verdict and attempts. */
    'check.rackStart': { input: RackStartInput, output: RackSnapshot },
    /** The rack check's boards now (also after it ended: the last snapshot). */
    'check.rackStatus': { input: z.object({}), output: RackSnapshot.nullable() },
    /** Stops the rack check (and its bench and consoles); returns its last snapshot. */
    'check.rackStop': { input: z.object({}), output: RackSnapshot.nullable() },
  } as const;

  /** Events of the boot check. */
  const checkEvents = {
    /** The checklist changed. */
    'check.update': CheckVerdict,
    /** The check reached its verdict. */
    'check.done': CheckVerdict,
    /** A rack board event (appeared, a check changed, a new attempt, a console joined, its verdict). */
    'check.rackEvent': RackEvent,
    /** The rack check ended (every board decided, the timeout, or stopped): the final snapshot. */
    'check.rackDone': RackSnapshot,
  } as const;
  return { commands: checkCommands, events: checkEvents };
});
