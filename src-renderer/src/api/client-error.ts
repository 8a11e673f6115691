/** An error returned by a command, as the UI shows it: a code, a message naming the cause, maybe a fix. */
export class ClientApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ClientApiError';
  }
}

/** Turns whatever a transport threw into a ClientApiError. */
export function toClientError(value: unknown): ClientApiError {
  if (value instanceof ClientApiError) return value;
  if (typeof value === 'object' && value !== null) {
    const v = value as { code?: unknown; message?: unknown; hint?: unknown };
    if (typeof v.message === 'string') {
      const code = typeof v.code === 'string' ? v.code : 'internal';
      const hint = typeof v.hint === 'string' ? v.hint : undefined;
      return new ClientApiError(code, stripIpcPrefix(v.message), hint);
    }
  }
  return new ClientApiError('internal', String(value));
}

/** Electron prefixes rejected invoke() messages with "Error invoking remote method 'x': Error: ". */
function stripIpcPrefix(message: string): string {
  return message.replace(/^Error invoking remote method '[^']*': (?:\w*Error: )?/, '');
}
