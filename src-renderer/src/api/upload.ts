import { ClientApiError } from './client-error.js';
import { errorFromResponse } from './station-client.js';

/** Bytes sent so far of an upload. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

/** A running upload: its result (the stored file's absolute path) and a way to stop it. */
export interface UploadHandle {
  done: Promise<string>;
  abort(): void;
}

/**
 * Sends a dropped file to the station (`PUT /api/upload?name=`, the token in `Authorization`), reporting progress. XMLHttpRequest, not fetch:
 * fetch cannot report upload progress.
 */
export function uploadToStation(
  file: File,
  headers: Record<string, string>,
  onProgress: (p: UploadProgress) => void,
): UploadHandle {
  const xhr = new XMLHttpRequest();
  const done = new Promise<string>((resolve, reject) => {
    xhr.open('PUT', `api/upload?name=${encodeURIComponent(file.name)}`);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (ev) => onProgress({ loaded: ev.loaded, total: ev.lengthComputable ? ev.total : file.size });
    xhr.onerror = () => reject(new ClientApiError('io-error', `Uploading ${file.name} to the station failed`));
    xhr.onabort = () => reject(new ClientApiError('cancelled', `Upload of ${file.name} cancelled`));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON: handled below
      }
      const result = (body as { ok?: unknown; result?: { path?: unknown } } | null) ?? null;
      if (xhr.status >= 200 && xhr.status < 300 && result?.ok === true && typeof result.result?.path === 'string') {
        resolve(result.result.path);
      } else {
        reject(errorFromResponse({ status: xhr.status, statusText: xhr.statusText }, body));
      }
    };
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}
