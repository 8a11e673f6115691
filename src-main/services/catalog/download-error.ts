import { ApiError } from '../../api/errors.js';

const NAME_ERRORS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);
const NET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'EPIPE', 'ECONNABORTED']);

/**
 * A failed download in a technician's words: which file, from where, what failed (no name resolution, no route,
 * the server's HTTP status) and what to do (the station may be offline: fetch the file elsewhere and bring it).
 */
export function downloadError(error: unknown, file: string, url: string): ApiError {
  if (error instanceof ApiError) return error;
  const e = error as NodeJS.ErrnoException;
  const code = typeof e?.code === 'string' ? e.code : null;
  const host = hostOf(url);
  const offline = `on a machine with internet access, download ${url}, copy it to this station and choose it as the image (or add it with: walt-bench download --add FILE)`;
  if (code && NAME_ERRORS.has(code)) {
    return new ApiError('io-error', `cannot download ${file}: ${host} cannot be resolved (${code}): this station has no network or no DNS`, offline);
  }
  if (code && NET_ERRORS.has(code)) {
    return new ApiError('io-error', `cannot download ${file}: no connection to ${host} (${code})`, `check the station's network; ${offline}`);
  }
  const message = e instanceof Error ? e.message : String(error);
  const http = /HTTP (\d{3})/.exec(message);
  if (http) {
    return new ApiError('io-error', `cannot download ${file}: ${host} answered HTTP ${http[1]}`, `the catalog's address may be out of date; ${offline}`);
  }
  return new ApiError('io-error', `cannot download ${file} from ${host}: ${message}`, `what was received is kept: Download again resumes it; ${offline}`);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
