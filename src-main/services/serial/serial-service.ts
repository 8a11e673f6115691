import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname, join, resolve as resolvePath } from 'node:path';
import { createInterface } from 'node:readline';
import { ApiError } from '../../api/errors.js';
import { LogAnalysis, type LogAnalysisResult } from '../../core/boot/analyzer.js';
import type { BootEvent } from '../../core/boot/boot-event.js';
import type { Stage } from '../../core/boot/stages.js';
import type { BootVerdict } from '../../core/boot/verdict.js';
import { type PortInfo, type PortLister, byIdLinks, listSerialPorts } from './port-lister.js';
import { DEFAULT_LOG_LIMITS, type LogLimits, pieceOf, rotatedSet } from './rotating-file.js';
import { logBaseName, SessionLog } from './serial-log.js';
import { type PortSettings, SerialSession, type SessionState } from './serial-session.js';

/** Lines of an analyzed log sent to the UI (the verdict and events always cover the whole file). */
export const MAX_ANALYSIS_LINES = 100_000;

/** A session as the API shows it. */
export interface SessionInfo {
  sessionId: string;
  path: string;
  openedPath: string;
  name: string;
  state: SessionState;
  settings: Omit<PortSettings, 'path'>;
  rawLog: string;
  textLog: string;
  openedAt: number;
  reconnects: number;
}

/** Where the service reports what its sessions see. */
export interface SerialSink {
  data(sessionId: string, bytes: Buffer, echo: boolean): void;
  boot(sessionId: string, events: BootEvent[], stages: Stage[], verdict: BootVerdict): void;
  verdict(sessionId: string, verdict: BootVerdict): void;
  state(sessionId: string, state: SessionState, message: string): void;
}

/** A saved log file. */
export interface LogFile {
  name: string;
  path: string;
  size: number;
  modified: string;
  kind: 'text' | 'raw';
}

/** Every console session (several ports at once), the port list, log files, and the analysis of captured logs. */
export class SerialService {
  private readonly sessions = new Map<string, SerialSession>();
  private readonly names = new Map<string, string>();
  private readonly lister: PortLister;

  constructor(
    private readonly deps: {
      logsDir: string;
      sink: SerialSink;
      lister?: PortLister;
      now?: () => number;
      /** The size cap and rotation of each session log, read when a session opens (the settings). */
      logLimits?: () => LogLimits;
    },
  ) {
    this.lister = deps.lister ?? listSerialPorts;
  }

  /** The machine's serial ports. */
  list(): Promise<PortInfo[]> {
    return this.lister().catch((error: Error) => {
      throw new ApiError('io-error', `cannot list serial ports: ${error.message}`, 'the port list needs udevadm (Debian package udev); you can still type a port path');
    });
  }

  /** Opens a console; several may be open at once, but one port only once. */
  async open(settings: PortSettings): Promise<SessionInfo> {
    for (const s of this.sessions.values()) {
      if (s.state !== 'closed' && (s.settings.path === settings.path || s.path === settings.path)) {
        throw new ApiError('refused', `${settings.path} is already open in this app (session ${s.id})`);
      }
    }
    if (!existsSync(settings.path)) {
      throw new ApiError('not-found', `${settings.path} does not exist`, 'check the cable, or type the path of the port (ptys are never listed)');
    }
    const ports = await this.lister().catch(() => [] as PortInfo[]);
    const real = safeRealpath(settings.path);
    const info = ports.find((p) => p.path === settings.path || p.path === real || p.byIdPath === settings.path);
    const id = randomBytes(4).toString('hex');
    const log = new SessionLog(this.deps.logsDir, logBaseName(settings.path, new Date(), id), this.deps.logLimits?.() ?? DEFAULT_LOG_LIMITS);
    const sink = this.deps.sink;
    const session = new SerialSession(
      id,
      { ...settings },
      {
        serialNumber: info?.serialNumber ?? null,
        vendorId: info?.vendorId ?? null,
        productId: info?.productId ?? null,
        byIdPath: info?.byIdPath ?? (settings.path.startsWith('/dev/serial/by-id/') ? settings.path : (byIdLinks().get(real) ?? null)),
      },
      log,
      {
        data: (bytes, echo) => sink.data(id, bytes, echo),
        boot: (events, stages, verdict) => sink.boot(id, events, stages, verdict),
        verdict: (verdict) => sink.verdict(id, verdict),
        state: (state, message) => sink.state(id, state, message),
      },
      this.lister,
      this.deps.now,
    );
    try {
      await session.open();
    } catch (error) {
      await log.close();
      throw error;
    }
    this.sessions.set(id, session);
    this.names.set(id, info?.name ?? (settings.path.startsWith('/dev/pts/') ? 'Pseudo-terminal' : 'Serial port'));
    return this.info(id);
  }

  /** A session's public facts. */
  info(id: string): SessionInfo {
    const s = this.get(id);
    const { path: _path, ...settings } = s.settings;
    return {
      sessionId: id,
      path: s.path,
      openedPath: s.settings.path,
      name: this.names.get(id) ?? 'Serial port',
      state: s.state,
      settings,
      rawLog: s.log.rawPath,
      textLog: s.log.textPath,
      openedAt: s.openedAt,
      reconnects: s.reconnects,
    };
  }

  /** Every session, open or closed during this run. */
  all(): SessionInfo[] {
    return [...this.sessions.keys()].map((id) => this.info(id));
  }

  /** The session or a not-found error. */
  get(id: string): SerialSession {
    const s = this.sessions.get(id);
    if (!s) throw new ApiError('not-found', `no console session ${id}`);
    return s;
  }

  /** Sends typed text (and/or a break) to a session's port. */
  async write(id: string, text: string, sendBreak: boolean): Promise<string | null> {
    const s = this.get(id);
    if (s.state !== 'open') throw new ApiError('refused', `the port is ${s.state}: nothing can be sent now`);
    if (text) await s.write(text);
    return sendBreak ? s.sendBreak() : null;
  }

  /** Changes input options or the expected model. */
  configure(id: string, patch: { newline?: PortSettings['newline']; localEcho?: boolean; expect?: string | null; restartAnalysis?: boolean }): SessionInfo {
    const s = this.get(id);
    if (patch.newline) s.settings.newline = patch.newline;
    if (patch.localEcho !== undefined) s.settings.localEcho = patch.localEcho;
    if (patch.expect !== undefined || patch.restartAnalysis) s.resetAnalysis(patch.expect);
    return this.info(id);
  }

  /** Closes one session. */
  async close(id: string): Promise<SessionInfo> {
    await this.get(id).close();
    return this.info(id);
  }

  /** Closes every session (backend shutdown). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.close()));
  }

  /**
   * Analyzes a captured log file, streamed in chunks (any size, bounded memory). A session log that rotated is read
   * as its whole set, oldest piece first. The decoded text comes with it (the first MAX_ANALYSIS_LINES lines).
   */
  async analyzeFile(path: string, expect: string | null, maxLines = MAX_ANALYSIS_LINES): Promise<{ path: string } & LogAnalysisResult> {
    // the analyzer's own decoded lines are kept too: the whole text the UI shows, numbered as the events' lines are
    const analysis = new LogAnalysis({ expectedModel: expect, decodeText: (b) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('utf8') }, undefined, undefined, Math.min(maxLines, MAX_ANALYSIS_LINES));
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    // only a session log of the logs folder is a rotated set: a file elsewhere is read alone
    const files = dirname(resolvePath(path)) === resolvePath(this.deps.logsDir) ? rotatedSet(path) : [path];
    for (const file of files) {
      let offset = 0;
      try {
        const fh = await open(file, 'r');
        try {
          for (;;) {
            const { bytesRead } = await fh.read(buf, 0, buf.length, null);
            if (bytesRead === 0) break;
            analysis.push(buf.subarray(0, bytesRead));
            offset += bytesRead;
          }
        } finally {
          await fh.close();
        }
      } catch (error) {
        const cause = (error as NodeJS.ErrnoException).code === 'ENOENT' || offset === 0 ? 'not-found' : 'io-error';
        throw new ApiError(cause, `cannot read ${file} at offset ${offset}: ${(error as Error).message}`, 'check the path and that the file is readable');
      }
    }
    return { path, ...analysis.finish() };
  }

  /** The logs in the state folder, newest first; a rotated log is one entry (its pieces' total size). */
  logs(): LogFile[] {
    const dir = this.deps.logsDir;
    const names = readdirSync(dir).filter((n) => n.endsWith('.log') || n.endsWith('.raw'));
    const present = new Set(names);
    const older = new Map<string, number>();
    for (const n of names) {
      const piece = pieceOf(n);
      if (piece && present.has(piece.head)) older.set(piece.head, (older.get(piece.head) ?? 0) + statSync(join(dir, n)).size);
    }
    return names
      .filter((n) => !(pieceOf(n) && present.has(pieceOf(n)!.head)))
      .map((name) => {
        const st = statSync(join(dir, name));
        const size = st.size + (older.get(name) ?? 0);
        return { name, path: join(dir, name), size, modified: st.mtime.toISOString(), kind: name.endsWith('.raw') ? ('raw' as const) : ('text' as const), mtime: st.mtimeMs };
      })
      .sort((a, b) => b.mtime - a.mtime || b.name.localeCompare(a.name))
      .map(({ mtime: _m, ...f }) => f);
  }

  /** Part of a log file; a rotated log reads as one file (its pieces, oldest first, end to end). */
  async readLog(name: string, offset: number, length: number): Promise<{ name: string; size: number; offset: number; data: string; encoding: 'utf8' | 'base64' }> {
    const files = rotatedSet(this.logPath(name)).map((path) => ({ path, size: statSync(path).size }));
    const size = files.reduce((sum, f) => sum + f.size, 0);
    const buf = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
    let filled = 0;
    let base = 0;
    for (const f of files) {
      if (filled >= buf.length) break;
      const at = offset + filled - base;
      if (at < f.size) {
        const fh = await open(f.path, 'r');
        try {
          const { bytesRead } = await fh.read(buf, filled, Math.min(buf.length - filled, f.size - at), at);
          filled += bytesRead;
        } finally {
          await fh.close();
        }
      }
      base += f.size;
    }
    const raw = name.endsWith('.raw');
    return { name, size, offset, data: buf.subarray(0, filled).toString(raw ? 'base64' : 'utf8'), encoding: raw ? 'base64' : 'utf8' };
  }

  /** Lines of a text log (its whole rotated set) containing `query` (case-insensitive). */
  async searchLog(name: string, query: string, limit: number): Promise<{ matches: { line: number; text: string }[]; truncated: boolean }> {
    const q = query.toLowerCase();
    const matches: { line: number; text: string }[] = [];
    let n = 0;
    for (const file of rotatedSet(this.logPath(name))) {
      const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
      for await (const line of rl) {
        n += 1;
        if (!line.toLowerCase().includes(q)) continue;
        if (matches.length >= limit) {
          rl.close();
          return { matches, truncated: true };
        }
        matches.push({ line: n, text: line });
      }
      rl.close();
    }
    return { matches, truncated: false };
  }

  /** The file of a log by its name (a bare name in the logs folder); not-found otherwise. */
  logPath(name: string): string {
    const clean = basename(name);
    const path = join(this.deps.logsDir, clean);
    if (clean !== name || !existsSync(path)) throw new ApiError('not-found', `no log named ${name}`);
    return path;
  }
}

/** Bytes read from a captured log at a time. */
const READ_CHUNK = 1 << 16;

function safeRealpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
