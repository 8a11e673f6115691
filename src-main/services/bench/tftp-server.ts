import type { Socket } from 'node:dgram';
import { type FileHandle, open, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { decodeTftp, encodeTftp, negotiate, ReadTransfer, type SendAction, TFTP_ERROR } from '../../core/net/tftp.js';
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
  maxBlksize?: number;
}

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

  constructor(private readonly options: TftpServerOptions) {}

  /** Binds port 69 (or the given port). */
  async start(): Promise<void> {
    this.socket = await bindUdp(this.options.port ?? 69, this.options.address);
    this.socket.on('message', (msg, rinfo) => void this.onRequest(new Uint8Array(msg), rinfo.address, rinfo.port));
  }

  /** Stops serving and ends every transfer. */
  async stop(): Promise<void> {
    for (const s of this.transfers) s.close();
    this.transfers.clear();
    this.socket?.close();
    this.socket = null;
  }

  private async onRequest(bytes: Uint8Array, ip: string, port: number): Promise<void> {
    const started = Date.now();
    let request;
    try {
      request = decodeTftp(bytes);
    } catch {
      return; // garbage on port 69: no answer
    }
    const event = (result: TftpEvent['result'], extra: Partial<TftpEvent>): void =>
      this.options.onEvent({
        clientIp: ip,
        clientPort: port,
        filename: request.op === 'RRQ' || request.op === 'WRQ' ? request.filename : '',
        servedFrom: null,
        result,
        bytes: 0,
        size: null,
        blksize: 512,
        message: null,
        durationMs: Date.now() - started,
        ...extra,
      });
    if (request.op === 'WRQ') {
      await this.replyError(ip, port, TFTP_ERROR.accessViolation, 'walt-bench serves read-only');
      event('refused', { message: 'write request refused (read-only server)' });
      return;
    }
    if (request.op !== 'RRQ') return;
    if (request.mode !== 'octet' && request.mode !== 'netascii') {
      await this.replyError(ip, port, TFTP_ERROR.illegalOperation, `mode ${request.mode} not supported`);
      event('refused', { message: `mode ${request.mode} not supported` });
      return;
    }
    const found = await this.find(request.filename, ip);
    if ('error' in found) {
      await this.replyError(ip, port, found.code, found.error);
      event(found.code === TFTP_ERROR.fileNotFound ? 'not-found' : 'refused', { message: found.error });
      return;
    }
    await this.serve(found, request.options, ip, port, started, event);
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
    const s = await bindUdp(0, this.options.address);
    try {
      await sendUdp(s, encodeTftp({ op: 'ERROR', code, message }), port, ip);
    } finally {
      s.close();
    }
  }

  private async serve(
    source: Source,
    requested: Record<string, string>,
    ip: string,
    port: number,
    started: number,
    event: (result: TftpEvent['result'], extra: Partial<TftpEvent>) => void,
  ): Promise<void> {
    const negotiated = negotiate(requested, source.size, { maxBlksize: this.options.maxBlksize ?? 1468, defaultTimeoutMs: 1000 });
    const transfer = new ReadTransfer(source.size, negotiated);
    const socket = await bindUdp(0, this.options.address);
    this.transfers.add(socket);
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
      socket.close();
      await source.close();
      event(result, { ...base, bytes: sent, message, durationMs: Date.now() - started });
    };
    const act = async (a: SendAction | null): Promise<void> => {
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
      else timer = setTimeout(() => void act(transfer.onTimeout()), negotiated.timeoutMs);
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
      } catch {
        return;
      }
      if (p.op === 'ACK') void act(transfer.onAck(p.block));
      else if (p.op === 'ERROR') void finish('error', `the client stopped the transfer: ${p.message} (${p.code})`);
    });
    await act(transfer.start());
  }
}
