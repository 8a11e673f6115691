import { z } from 'zod';
import { BOOT_EVENT_KINDS, type BootEvent, type BootEventKind, LOADERS } from '../../core/boot/boot-event.js';
import { STAGE_IDS } from '../../core/boot/stages.js';
import { OUTCOMES } from '../../core/boot/verdict.js';
import * as S from '../schemas.js';
import { lazyDomain } from '../lazy-domain.js';

/**
 * The Serial domain (serial consoles, their logs and analysis). Its schemas are built the first time the contract
 * looks up one of its names, so a one-shot CLI command pays only for the domains it calls.
 */
export const serialDomain = lazyDomain(() => {
  /** One boot event (its kind-specific fields ride along; see core/boot/boot-event.ts). */
  const BootEventSchema = z.looseObject({
    kind: z.enum(BOOT_EVENT_KINDS as [BootEventKind, ...BootEventKind[]]),
    t: z.number(),
    line: z.number(),
    cycle: z.number(),
    text: z.string(),
  }) as unknown as z.ZodType<BootEvent>;

  /** A console line a stage or a verdict points to. */
  const StageLineSchema = z.object({ line: z.number(), t: z.number(), text: z.string() });

  /** One timeline row. */
  const StageSchema = z.object({
    id: z.enum(STAGE_IDS),
    label: z.string(),
    state: z.enum(['pending', 'active', 'done', 'failed']),
    at: z.number().nullable(),
    detail: z.string().nullable(),
    opened: StageLineSchema.nullable(),
    last: StageLineSchema.nullable(),
  });

  /** A file the board asked for. */
  const FileRequestSchema = z.object({
    name: z.string(),
    server: z.string().nullable(),
    size: z.number().nullable(),
    status: z.enum(['requested', 'ok', 'not-found', 'timeout', 'error']),
    error: z.string().nullable(),
    cycle: z.number(),
  });

  /** Where a boot ended up, why, and the timeline. */
  const BootVerdictSchema = z.object({
    outcome: z.enum(OUTCOMES),
    confidence: z.enum(['high', 'low']),
    evidence: z.array(StageLineSchema.extend({ role: z.enum(['decided', 'opened']) })),
    final: z.boolean(),
    furthestStage: z.enum(STAGE_IDS).nullable(),
    stages: z.array(StageSchema),
    files: z.array(FileRequestSchema),
    ip: z.string().nullable(),
    server: z.string().nullable(),
    mac: z.string().nullable(),
    loaders: z.array(z.enum(LOADERS)),
    board: z.string().nullable(),
    resets: z.number(),
    resetLoop: z.boolean(),
    expectedModel: z.string().nullable(),
    reportedModel: z.string().nullable(),
    diagnosis: z.string(),
    hints: z.array(z.string()),
    decidingLine: z.string().nullable(),
    lines: z.number(),
  });

  /** A serial port of the machine. */
  const PortInfoSchema = z.object({
    path: z.string(),
    name: z.string(),
    manufacturer: z.string().nullable(),
    vendorId: z.string().nullable(),
    productId: z.string().nullable(),
    serialNumber: z.string().nullable(),
    byIdPath: z.string().nullable(),
  });

  /** A serial path: a device (or a pty link a test made), never an option. */
  const SerialPath = z.string().min(2).max(4096).regex(/^\/[^\0]*$/, 'an absolute device path such as /dev/ttyUSB0');

  /** What the console settings can be. */
  const PortSettingsSchema = z.object({
    baudRate: z.number().int().min(50).max(4_000_000).default(115200),
    dataBits: z.union([z.literal(5), z.literal(6), z.literal(7), z.literal(8)]).default(8),
    parity: z.enum(['none', 'even', 'odd', 'mark', 'space']).default('none'),
    stopBits: z.union([z.literal(1), z.literal(1.5), z.literal(2)]).default(1),
    flowControl: z.enum(['none', 'rtscts', 'xonxoff']).default('none'),
    newline: z.enum(['CR', 'LF', 'CRLF']).default('CR'),
    localEcho: z.boolean().default(false),
    expect: z.string().max(100).nullable().default(null),
  });

  /** An open console session. */
  const SessionInfoSchema = z.object({
    sessionId: z.string(),
    path: z.string(),
    openedPath: z.string(),
    name: z.string(),
    state: z.enum(['open', 'unplugged', 'closed']),
    settings: PortSettingsSchema.required(),
    rawLog: z.string(),
    textLog: z.string(),
    openedAt: z.number(),
    reconnects: z.number(),
  });

  /** A saved console log. */
  const LogFileSchema = z.object({ name: z.string(), path: z.string(), size: z.number(), modified: z.string(), kind: z.enum(['text', 'raw']) });

  const LogName = z.string().regex(/^[\w.-]+\.(log|raw)$/, 'a log file name from serial.logs.list');
  const SessionId = z.string().min(1).max(64);

  /** Commands of the Console capability: ports, sessions, input, analysis, logs. */
  const serialCommands = {
    /** Serial ports with a friendly adapter name (ptys are never listed: open them by path). */
    'serial.list': { input: z.object({}), output: z.array(PortInfoSchema) },
    /** Opens a console on a port (115200 8N1 unless told otherwise). */
    'serial.open': { input: PortSettingsSchema.extend({ path: SerialPath }), output: SessionInfoSchema },
    /** Closes a console. */
    'serial.close': { input: z.object({ sessionId: SessionId }), output: SessionInfoSchema },
    /** Every console session. */
    'serial.sessions': { input: z.object({}), output: z.array(SessionInfoSchema) },
    /** A session, its verdict and timeline so far. */
    'serial.status': { input: z.object({ sessionId: SessionId }), output: z.object({ session: SessionInfoSchema, verdict: BootVerdictSchema }) },
    /** Typed keys or a paste (Enter as `\r`: sent in the session's newline mode), or a break. */
    'serial.write': {
      input: z.object({ sessionId: SessionId, text: z.string().max(1_000_000).default(''), sendBreak: z.boolean().default(false) }),
      output: z.object({ note: z.string().nullable() }),
    },
    /** Changes the newline mode, local echo, or the expected model (which restarts the analysis when given). */
    'serial.configure': {
      input: z.object({
        sessionId: SessionId,
        newline: z.enum(['CR', 'LF', 'CRLF']).optional(),
        localEcho: z.boolean().optional(),
        expect: z.string().max(100).nullable().optional(),
        restartAnalysis: z.boolean().default(false),
      }),
      output: SessionInfoSchema,
    },
    /** The timeline and verdict of a captured log file. */
    'serial.analyze': {
      /** `maxLines`: how many decoded lines to return for a whole-text view (the CLI asks for none). */
      input: z.object({ path: S.FilePath, expect: z.string().max(100).nullable().default(null), maxLines: z.number().int().min(0).max(100_000).default(100_000) }),
      output: z.object({
        path: z.string(),
        verdict: BootVerdictSchema,
        /** The first and the latest events (at most 10,000 listed); the verdict used every one. */
        events: z.array(BootEventSchema),
        eventCount: z.number(),
        eventsDropped: z.number(),
        /** The log's whole text as the analyzer decoded it, numbered like the events' lines. */
        lines: z.array(z.object({ n: z.number().int(), text: z.string() })),
        /** Lines left out after the first MAX_ANALYSIS_LINES. */
        linesCut: z.number().int().min(0),
      }),
    },
    /** The console logs in the state folder, newest first. */
    'serial.logs.list': { input: z.object({}), output: z.array(LogFileSchema) },
    /** Part of a log (text logs as UTF-8, raw logs as base64). */
    'serial.logs.read': {
      input: z.object({ name: LogName, offset: z.number().int().min(0).default(0), length: z.number().int().min(1).max(16 * 1024 * 1024).default(4 * 1024 * 1024) }),
      output: z.object({ name: z.string(), size: z.number(), offset: z.number(), data: z.string(), encoding: z.enum(['utf8', 'base64']) }),
    },
    /** Lines of a text log containing a string (case-insensitive). */
    'serial.logs.search': {
      input: z.object({ name: LogName, query: z.string().min(1).max(200), limit: z.number().int().min(1).max(10000).default(500) }),
      output: z.object({ matches: z.array(z.object({ line: z.number(), text: z.string() })), truncated: z.boolean() }),
    },
    /** Copies a log to a file of the technician's choosing. */
    'serial.logs.export': { input: z.object({ name: LogName, to: S.FilePath, overwrite: z.boolean().default(false) }), output: z.object({ path: z.string(), size: z.number() }) },
  } as const;

  /** Events of the Console capability. */
  const serialEvents = {
    /** Bytes from a port (base64), or the local echo of typed keys. */
    'serial.data': z.object({ sessionId: z.string(), data: z.string(), echo: z.boolean() }),
    /** New boot events of a session, with its timeline and verdict so far (the stage events). */
    'serial.boot': z.object({ sessionId: z.string(), events: z.array(BootEventSchema), stages: z.array(StageSchema), verdict: BootVerdictSchema }),
    /** A session's boot reached its verdict. */
    'serial.verdict': z.object({ sessionId: z.string(), verdict: BootVerdictSchema }),
    /** A session was unplugged, reconnected, or closed. */
    'serial.state': z.object({ sessionId: z.string(), state: z.enum(['open', 'unplugged', 'closed']), message: z.string() }),
  } as const;
  return { commands: serialCommands, events: serialEvents };
});
