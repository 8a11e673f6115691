import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Handlers } from '../../api/dispatcher.js';
import { writeOutput } from '../access/output-file.js';
import type { PathGuard } from '../access/path-guard.js';
import type { SerialService } from './serial-service.js';
import { rotatedSet } from './rotating-file.js';

/** The commands of the Console capability. */
export type SerialCommandName =
  | 'serial.list'
  | 'serial.open'
  | 'serial.close'
  | 'serial.sessions'
  | 'serial.status'
  | 'serial.write'
  | 'serial.configure'
  | 'serial.analyze'
  | 'serial.logs.list'
  | 'serial.logs.read'
  | 'serial.logs.search'
  | 'serial.logs.export';

/** Copies a log into an output file opened by writeOutput, chunk by chunk, from offset `start` of the output. */
async function copyInto(source: string, out: { write(b: Uint8Array, o: number, l: number, p: number): Promise<unknown> }, start = 0): Promise<number> {
  const fh = await open(source, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    let at = start;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) return at;
      await out.write(buf, 0, bytesRead, at);
      at += bytesRead;
    }
  } finally {
    await fh.close();
  }
}

/**
 * Handlers of the Console commands over the serial service. Paths go through the PathGuard: a port must be a
 * character device the caller may open, an export goes only where the caller may write, never over a file unasked.
 */
export function serialHandlers(serial: SerialService, guard: PathGuard): Pick<Handlers, SerialCommandName> {
  return {
    'serial.list': async () => serial.list(),
    'serial.open': async (input) => {
      // A missing port is the service's not-found (with its hint); an existing one must be a serial device.
      if (existsSync(input.path)) guard.serialPort(input.path);
      return serial.open(input);
    },
    'serial.close': async ({ sessionId }) => serial.close(sessionId),
    'serial.sessions': async () => serial.all(),
    'serial.status': async ({ sessionId }) => ({ session: serial.info(sessionId), verdict: serial.get(sessionId).verdict() }),
    'serial.write': async ({ sessionId, text, sendBreak }) => ({ note: await serial.write(sessionId, text, sendBreak) }),
    'serial.configure': async ({ sessionId, ...patch }) => serial.configure(sessionId, patch),
    'serial.analyze': async ({ path, expect, maxLines }) => serial.analyzeFile(path, expect, maxLines),
    'serial.logs.list': async () => serial.logs(),
    'serial.logs.read': async ({ name, offset, length }) => serial.readLog(name, offset, length),
    'serial.logs.search': async ({ name, query, limit }) => serial.searchLog(name, query, limit),
    'serial.logs.export': async ({ name, to, overwrite }) => {
      const source = serial.logPath(name);
      const target = guard.output(to, { overwrite, sources: [source], deviceHint: 'export to a file, e.g. ~/boot.log' });
      let size = 0;
      await writeOutput(target, async (fh) => {
        // a rotated log is exported whole, its oldest piece first
        for (const piece of rotatedSet(source)) size = await copyInto(piece, fh, size);
      });
      return { path: to, size };
    },
  };
}
