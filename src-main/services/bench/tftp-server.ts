import type { Socket } from 'node:dgram';
import { type FileHandle, open, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { PacketError } from '../../core/net/bytes.js';
import type { DropKind } from '../../core/net/drop-tally.js';
import { KeyedRateLimit } from '../../core/net/rate-limit.js';
import { decodeTftp, encodeTftp, negotiate, ReadTransfer, type SendAction, TFTP_ERROR, type TftpPacket } from '../../core/net/tftp.js';
import { resolveTftpPath } from '../../core/walt/tftp-paths.js';
import { probeFile } from './probe-files.js';
import { bindUdp, sendUdp } from './udp.js';

/** One TFTP request and how it ended. */
export interface TftpEvent {
  clientIp: string;
  clientPort: number;
  filename: string;
  /** What was served: the mapped path under the root, "probe", or null. */
  servedFrom: string | null;
  result: 'started' | 'complete' | 'not-found' | 'refused' | 'timeout' | 'error';
  bytes: number;
  size: number | null;
  blksize: number;
  message: string | null;
  durationMs: number;
}

/** Options of the bench's TFTP server. */
export interface TftpServerOptions {
  /** Address to serve on (the desk link's). */
  address: string;
  port?: number;
  /** A walt image's root filesystem; null serves the probe files. */
  root: string | null;
  /** The model of a client, from its DHCP class (for the WalT path remap). */
  modelOf: (clientIp: string) => string | null;
  onEvent: (e: TftpEvent) => void;
  /** A packet dropped (malformed, or over a limit), with its source IP and the cause. */
  onDrop?: (kind: DropKind, source: string, cause: string) => void;
  maxBlksize?: number;
  /** Transfers at once, in all and per client IP (default 32 and 4). */
  maxTransfers?: number;
  maxTransfersPerClient?: number;
  /** Requests per client IP: per second and burst (default 10/s, burst 20). */
  requestsPerSecond?: number;
  /** Monotonic clock in ms (for the rate limit). */
  now?: () => number;
}

/** Largest request RFC 2347 allows (with its options). */
const MAX_REQUEST = 512;

/** Bytes read from the file per window: blocks are cut from memory, the next window is read ahead. */
const WINDOW = 512 * 1024;

/**
 * A reader of a file's consecutive blocks that keeps one window in memory and reads the next one ahead, so a
 * lock-step transfer never waits on the disk (or the thread pool) between an ACK and the next DATA.
 */
function windowedReader(fh: FileHandle, size: number): (offset: number, length: number) => Promise<Uint8Array> {
  const windows = new Map<number, Promise<Uint8Array>>();
  const load = (index: number): Promise<Uint8Array> => {
    let w = windows.get(index);
    if (!w) {
      const start = index * WINDOW;
      const length = Math.max(0, Math.min(WINDOW, size - start));
      const buf = new Uint8Array(length);
      w = fh.read(buf, 0, length, start).then(({ bytesRead }) => buf.subarray(0, bytesRead));
      windows.set(index, w);
    }
    return w;
  };
  return async (offset, length) => {
    const first = Math.floor(offset / WINDOW);
    const last = Math.floor(Math.max(offset, offset + length - 1) / WINDOW);
    for (const k of windows.keys()) if (k < first) windows.delete(k);
    void load(last + 1).catch(() => undefined);
    if (first === last) {
      const w = await load(first);
      return w.subarray(offset - first * WINDOW, offset - first * WINDOW + length);
    }
    const out = new Uint8Array(length);
    let at = 0;
    for (let k = first; k <= last; k += 1) {
      const w = await load(k);
      const from = k === first ? offset - k * WINDOW : 0;
      const part = w.subarray(from, Math.min(w.length, from + length - at));
      out.set(part, at);
      at += part.length;
    }
    return out.subarray(0, at);
  };
}

interface Source {
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
  servedFrom: string;
}

/**
 * A read-only TFTP server (RFC 1350 + 2347/2348/2349) jailed to its root, with WalT's remapping: a request for P
 * from a board of model M is served from <root>/boot/M/P. Write requests are refused. Each transfer gets its own
 * socket (its transfer id) and runs the pure ReadTransfer state machine.
 */
export class BenchTftpServer {
  private socket: Socket | null = null;
  private readonly transfers = new Set<Socket>();
  /** Running transfers by client "ip:port" (a retransmitted RRQ joins its transfer instead of starting one). */
  private readonly running = new Map<string, Socket>();
  private readonly perClient = new Map<string, number>();
  /** Transfer slots taken (running transfers and requests being looked up for one). */
  private slots = 0;
  /** Requests being looked up (between the RRQ and its first answer). */
  private readonly pending = new Set<string>();
  private readonly limit: KeyedRateLimit;
  private readonly now: () => number;

  constructor(private readonly options: TftpServerOptions) {
    const rate = options.requestsPerSecond ?? 10;
    this.limit = new KeyedRateLimit(rate, rate * 2, 1024);
    this.now = options.now ?? (() => performance.now());
  }

  /** The port the server listens on (after start). */
  get port(): number | null {
    return this.socket?.address().port ?? null;
  }

  /** Number of transfers running (bounded by maxTransfers). */
  get activeTransfers(): number {
    return this.transfers.size;
  }

  /** Binds port 69 (or the given port). */
  async start(): Promise<void> {
    this.socket = await bindUdp(this.options.port ?? 69, this.options.address);
    this.socket.on('error', (e) => this.drop('malformed', this.options.address, `socket error (kept serving): ${e.message}`));
    this.socket.on('message', (msg, rinfo) => {
      this.onRequest(new Uint8Array(msg), rinfo.address, rinfo.port).catch((error: Error) =>
        this.drop('malformed', rinfo.address, `request not handled: ${error.message}`),
      );
    });
  }

  private drop(kind: DropKind, source: string, cause: string): void {
    try {
      this.options.onDrop?.(kind, source, cause);
    } catch {
      // Counting never stops serving.
    }
  }

  private emitEvent(e: TftpEvent): void {
    try {
      this.options.onEvent(e);
    } catch (error) {
      this.drop('malformed', e.clientIp, `event not delivered: ${(error as Error).message}`);
    }
  }

  /** Stops serving and ends every transfer. */
  async stop(): Promise<void> {
    for (const s of this.transfers) s.close();
    this.transfers.clear();
    this.running.clear();
    this.perClient.clear();
    this.slots = 0;
    this.socket?.close();
    this.socket = null;
  }

  private async onRequest(bytes: Uint8Array, ip: string, port: number): Promise<void> {
    const started = Date.now();
    let request: TftpPacket;
    try {
      request = decodeTftp(bytes);
    } catch (error) {
      // Garbage on port 69: no answer (answering would make the bench a reflector), counted.
      this.drop('malformed', ip, error instanceof PacketError ? error.message : `undecodable: ${(error as Error).message}`);
      return;
    }
    if (request.op !== 'RRQ' && request.op !== 'WRQ') {
      this.drop('malformed', ip, `${request.op} sent to port 69, which takes only read and write requests`);
      return;
    }
    const key = `${ip}:${port}`;
    if (this.running.has(key) || this.pending.has(key)) return; // a retransmitted request: the first one is answered
    if (!this.limit.take(ip, this.now())) {
      this.drop('rate-limited', ip, `more than ${this.limit.perSecond} requests/s from ${ip}`);
      return;
    }
    if (this.pending.size >= 256) {
      this.drop('rate-limited', ip, 'too many requests being looked up at once');
      return;
    }
    this.pending.add(key);
    try {
      await this.answer(request, bytes.length, ip, port, started);
    } finally {
      this.pending.delete(key);
    }
  }

  private async answer(request: Extract<TftpPacket, { op: 'RRQ' | 'WRQ' }>, length: number, ip: string, port: number, started: number): Promise<void> {
    const event = (result: TftpEvent['result'], extra: Partial<TftpEvent>): void =>
      this.emitEvent({
        clientIp: ip,
        clientPort: port,
        filename: request.filename.slice(0, 255),
        servedFrom: null,
        result,
        bytes: 0,
        size: null,
        blksize: 512,
        message: null,
        durationMs: Date.now() - started,
        ...extra,
      });
    if (length > MAX_REQUEST) {
      this.drop('malformed', ip, `request of ${length} bytes (RFC 2347: at most ${MAX_REQUEST})`);
      await this.replyError(ip, port, TFTP_ERROR.illegalOperation, `request longer than ${MAX_REQUEST} bytes`);
      event('refused', { message: `request of ${length} bytes refused (at most ${MAX_REQUEST})` });
      return;
    }
    if (request.op === 'WRQ') {
      await this.replyError(ip, port, TFTP_ERROR.accessViolation, 'walt-bench serves read-only');
      event('refused', { message: 'write request refused (read-only server)' });
      return;
    }
    if (request.mode !== 'octet' && request.mode !== 'netascii') {
      await this.replyError(ip, port, TFTP_ERROR.illegalOperation, `mode ${request.mode} not supported`);
      event('refused', { message: `mode ${request.mode} not supported` });
      return;
    }
    const all = this.options.maxTransfers ?? 32;
    const each = this.options.maxTransfersPerClient ?? 4;
    if (this.slots >= all || (this.perClient.get(ip) ?? 0) >= each) {
      const why = this.slots >= all ? `${all} transfers already running` : `${each} transfers to ${ip} already running`;
      this.drop('rate-limited', ip, why);
      await this.replyError(ip, port, TFTP_ERROR.notDefined, `server busy: ${why}, retry later`);
      event('refused', { message: `busy: ${why}` });
      return;
    }
    // The slot is taken now (the lookup below awaits): concurrent requests cannot all pass the check.
    this.takeSlot(ip);
    let handedOver = false;
    try {
      const found = await this.find(request.filename, ip);
      if ('error' in found) {
        await this.replyError(ip, port, found.code, found.error);
        event(found.code === TFTP_ERROR.fileNotFound ? 'not-found' : 'refused', { message: found.error });
        return;
      }
      handedOver = await this.serve(found, request.options, ip, port, started, event);
    } finally {
      if (!handedOver) this.freeSlot(ip);
    }
  }

  private takeSlot(ip: string): void {
    this.slots += 1;
    this.perClient.set(ip, (this.perClient.get(ip) ?? 0) + 1);
  }

  private freeSlot(ip: string): void {
    this.slots = Math.max(0, this.slots - 1);
    const left = (this.perClient.get(ip) ?? 1) - 1;
    if (left > 0) this.perClient.set(ip, left);
    else this.perClient.delete(ip);
  }

  private async find(filename: string, ip: string): Promise<Source | { error: string; code: number }> {
    const model = this.options.modelOf(ip);
    if (this.options.root === null) {
      const name = filename.replace(/^\/+/, '');
      const mapped = resolveTftpPath(name, model ?? 'unknown');
      if (!mapped.ok && mapped.code === 'access-violation') return { error: 'Access violation', code: TFTP_ERROR.accessViolation };
      const data = probeFile(mapped.ok ? mapped.path[mapped.path.length - 1]! : name);
      if (!data) return { error: 'File not found', code: TFTP_ERROR.fileNotFound };
      return {
        size: data.length,
        read: async (offset, length) => data.subarray(offset, offset + length),
        close: async () => undefined,
        servedFrom: 'probe',
      };
    }
    const mapped = resolveTftpPath(filename, model);
    if (!mapped.ok) {
      return mapped.code === 'access-violation'
        ? { error: 'Access violation', code: TFTP_ERROR.accessViolation }
        : { error: 'File not found', code: TFTP_ERROR.fileNotFound };
    }
    const root = await realpath(this.options.root);
    let real: string;
    try {
      real = await realpath(join(root, ...mapped.path));
    } catch {
      return { error: 'File not found', code: TFTP_ERROR.fileNotFound };
    }
    // The jail: a symlink inside the image may not lead out of it.
    if (!real.startsWith(root + sep)) return { error: 'Access violation', code: TFTP_ERROR.accessViolation };
    const fh = await open(real, 'r').catch(() => null);
    if (!fh) return { error: 'File not found', code: TFTP_ERROR.fileNotFound };
    const st = await fh.stat();
    if (!st.isFile()) {
      await fh.close();
      return { error: 'File not found', code: TFTP_ERROR.fileNotFound };
    }
    return {
      size: st.size,
      read: windowedReader(fh, st.size),
      close: () => fh.close(),
      servedFrom: mapped.path.join('/'),
    };
  }

  private async replyError(ip: string, port: number, code: number, message: string): Promise<void> {
    // From a port of its own, as a transfer would (clients accept an error to their request from any port).
    let s: Socket | null = null;
    try {
      s = await bindUdp(0, this.options.address);
      s.on('error', () => undefined);
      await sendUdp(s, encodeTftp({ op: 'ERROR', code, message }), port, ip);
    } catch (error) {
      this.drop('rate-limited', ip, `could not send the TFTP error "${message}": ${(error as Error).message}`);
    } finally {
      s?.close();
    }
  }

  private async serve(
    source: Source,
    requested: Record<string, string>,
    ip: string,
    port: number,
    started: number,
    event: (result: TftpEvent['result'], extra: Partial<TftpEvent>) => void,
  ): Promise<boolean> {
    const negotiated = negotiate(requested, source.size, { maxBlksize: this.options.maxBlksize ?? 1468, defaultTimeoutMs: 1000, maxTimeoutS: 10 });
    const transfer = new ReadTransfer(source.size, negotiated);
    let socket: Socket;
    try {
      socket = await bindUdp(0, this.options.address);
    } catch (error) {
      await source.close().catch(() => undefined);
      event('error', { message: `no transfer socket: ${(error as Error).message}` });
      return false;
    }
    const key = `${ip}:${port}`;
    this.transfers.add(socket);
    this.running.set(key, socket);
    const base = { servedFrom: source.servedFrom, size: source.size, blksize: negotiated.blksize };
    event('started', base);
    let last: Uint8Array | null = null;
    let timer: NodeJS.Timeout | null = null;
    let sent = 0;
    let over = false;
    const finish = async (result: TftpEvent['result'], message: string | null): Promise<void> => {
      if (over) return;
      over = true;
      if (timer) clearTimeout(timer);
      this.transfers.delete(socket);
      if (this.running.get(key) === socket) this.running.delete(key);
      this.freeSlot(ip);
      try {
        socket.close();
      } catch {
        // already closed by stop()
      }
      await source.close().catch(() => undefined);
      event(result, { ...base, bytes: sent, message, durationMs: Date.now() - started });
    };
    const step = async (a: SendAction | null): Promise<void> => {
      if (a === null) return;
      switch (a.kind) {
        case 'oack':
          last = encodeTftp({ op: 'OACK', options: a.options });
          break;
        case 'data': {
          const data = await source.read(a.offset, a.length);
          sent = Math.max(sent, a.offset + data.length);
          // The hot path (one per block): the DATA header written in place, no intermediate arrays.
          last = new Uint8Array(4 + data.length);
          last[1] = 3;
          last[2] = a.block >> 8;
          last[3] = a.block & 0xff;
          last.set(data, 4);
          break;
        }
        case 'finished':
          await finish('complete', null);
          return;
        case 'failed':
          await finish('timeout', a.reason);
          return;
      }
      socket.send(last, port, ip);
      // One retransmission timer per transfer, restarted at every packet.
      if (timer) timer.refresh();
      else timer = setTimeout(() => act(transfer.onTimeout()), negotiated.timeoutMs);
    };
    // A read error (the card's image vanished, EIO) ends this transfer with an error event, never the service.
    const act = (a: SendAction | null): void => {
      if (over) return;
      step(a).catch((error: Error) => void finish('error', `cannot send: ${error.message}`));
    };
    socket.on('error', (e) => void finish('error', `network error: ${e.message}`));
    socket.on('message', (msg, rinfo) => {
      if (rinfo.address !== ip || rinfo.port !== port) {
        // Another host on our transfer port: RFC 1350 says answer "unknown transfer ID" and carry on.
        void sendUdp(socket, encodeTftp({ op: 'ERROR', code: TFTP_ERROR.unknownTransferId, message: 'Unknown transfer ID' }), rinfo.port, rinfo.address).catch(() => undefined);
        return;
      }
      let p;
      try {
        p = decodeTftp(new Uint8Array(msg));
      } catch (error) {
        this.drop('malformed', ip, `in a transfer: ${(error as Error).message}`);
        return;
      }
      if (p.op === 'ACK') act(transfer.onAck(p.block));
      else if (p.op === 'ERROR') void finish('error', `the client stopped the transfer: ${p.message.slice(0, 200)} (${p.code})`);
      else this.drop('malformed', ip, `${p.op} in a read transfer (only ACK and ERROR belong there)`);
    });
    act(transfer.start());
    return true;
  }
}
