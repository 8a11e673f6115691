/** Error codes the API returns; the UI and the CLI map them to words and exit statuses. */
export type ApiErrorCode =
  | 'bad-request'
  | 'unknown-command'
  | 'not-found'
  | 'refused'
  | 'source-error'
  | 'io-error'
  | 'permission'
  | 'internal';

/** An error that crosses the API: a code, a message naming the cause, and the fix when there is one. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Plain object for the wire. */
  toJSON(): { code: ApiErrorCode; message: string; hint?: string } {
    return this.hint === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, hint: this.hint };
  }
}

const API_ERROR_CODES: ReadonlySet<string> = new Set<ApiErrorCode>(['bad-request', 'unknown-command', 'not-found', 'refused', 'source-error', 'io-error', 'permission', 'internal']);

/**
 * Rebuilds an ApiError from its wire form (or wraps anything else). A Node system error also has a `code` and a
 * `message` ("ENOTFOUND"): it is wrapped, never taken for a wire form (the station mapped its unknown code to an
 * HTTP status of undefined: "Invalid status code: undefined").
 */
export function toApiError(value: unknown): ApiError {
  if (value instanceof ApiError) return value;
  if (typeof value === 'object' && value !== null && 'code' in value && 'message' in value && API_ERROR_CODES.has(String(value.code))) {
    const v = value as { code: ApiErrorCode; message: string; hint?: string };
    return new ApiError(v.code, String(v.message), v.hint);
  }
  if (value instanceof Error) return new ApiError('internal', value.message);
  return new ApiError('internal', String(value));
}
