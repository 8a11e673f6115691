import type { ApiClient } from '../../api/contract.js';
import { EXIT, parse, UsageError } from '../args.js';
import { createWriteStream } from 'node:fs';
import { baudOrSetting } from '../setting-defaults.js';

const ESCAPE = 0x1d; // Ctrl-]

/**
 * `walt-bench console <port> [--baud N] [--log FILE]`: an interactive terminal on a port (raw mode).
 * Ctrl-] then q quits, Ctrl-] then b sends a break, Ctrl-] twice sends a Ctrl-].
 */
export async function consoleCommand(api: ApiClient, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { baud: { type: 'string' }, log: { type: 'string' } });
  if (positionals.length !== 1) throw new UsageError('console takes one port, e.g. /dev/ttyUSB0');
  const baudRate = await baudOrSetting(api, values.baud);
  const session = await api.call('serial.open', { path: positionals[0]!, baudRate, newline: 'CR' });
  const id = session.sessionId;
  const copy = values.log ? createWriteStream(values.log, { flags: 'a' }) : null;
  process.stderr.write(`connected to ${session.path} (${session.name}) at ${baudRate} 8N1 - Ctrl-] q quits, Ctrl-] b sends a break\r\n`);
  const offData = api.on('serial.data', (p) => {
    if (p.sessionId !== id) return;
    const bytes = Buffer.from(p.data, 'base64');
    process.stdout.write(bytes);
    if (!p.echo) copy?.write(bytes);
  });
  const offState = api.on('serial.state', (p) => p.sessionId === id && process.stderr.write(`\r\n-- ${p.message}\r\n`));
  const stdin = process.stdin;
  if (stdin.isTTY) stdin.setRawMode(true);
  stdin.resume();
  await new Promise<void>((resolve) => {
    let escaped = false;
    const send = (text: string) => void api.call('serial.write', { sessionId: id, text }).catch((e: Error) => process.stderr.write(`\r\n-- ${e.message}\r\n`));
    stdin.on('data', (chunk: Buffer) => {
      let out = '';
      for (const b of chunk) {
        if (escaped) {
          escaped = false;
          if (b === 0x71 || b === 0x51 || b === 0x2e) {
            resolve();
            return;
          }
          if (b === 0x62) void api.call('serial.write', { sessionId: id, sendBreak: true }).then((r) => r.note && process.stderr.write(`\r\n-- ${r.note}\r\n`));
          else if (b === ESCAPE) out += String.fromCharCode(ESCAPE);
          continue;
        }
        if (b === ESCAPE) escaped = true;
        else out += String.fromCharCode(b);
      }
      if (out) send(out);
    });
    stdin.on('end', () => resolve());
  });
  if (stdin.isTTY) stdin.setRawMode(false);
  stdin.pause();
  offData();
  offState();
  copy?.end();
  await api.call('serial.close', { sessionId: id });
  process.stderr.write('\r\ndisconnected\r\n');
  return EXIT.ok;
}
