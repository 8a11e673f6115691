import type { Handlers } from '../../api/dispatcher.js';
import type { SerialService } from './serial-service.js';

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

/** Handlers of the Console commands over the serial service. */
export function serialHandlers(serial: SerialService): Pick<Handlers, SerialCommandName> {
  return {
    'serial.list': async () => serial.list(),
    'serial.open': async (input) => serial.open(input),
    'serial.close': async ({ sessionId }) => serial.close(sessionId),
    'serial.sessions': async () => serial.all(),
    'serial.status': async ({ sessionId }) => ({ session: serial.info(sessionId), verdict: serial.get(sessionId).verdict() }),
    'serial.write': async ({ sessionId, text, sendBreak }) => ({ note: await serial.write(sessionId, text, sendBreak) }),
    'serial.configure': async ({ sessionId, ...patch }) => serial.configure(sessionId, patch),
    'serial.analyze': async ({ path, expect }) => serial.analyzeFile(path, expect),
    'serial.logs.list': async () => serial.logs(),
    'serial.logs.read': async ({ name, offset, length }) => serial.readLog(name, offset, length),
    'serial.logs.search': async ({ name, query, limit }) => serial.searchLog(name, query, limit),
    'serial.logs.export': async ({ name, to }) => serial.exportLog(name, to),
  };
}
