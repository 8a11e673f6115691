import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError, toApiError } from '../../../src-main/api/errors.js';
import { downloadError } from '../../../src-main/services/catalog/download-error.js';

/** A Node system error as the http module rejects with it. */
function systemError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code, errno: -3008, syscall: 'getaddrinfo' });
}

describe('API errors', () => {
  it('a Node system error (code ENOTFOUND) is wrapped as internal, never taken for a wire error with an unknown code', () => {
    const e = toApiError(systemError('ENOTFOUND', 'getaddrinfo ENOTFOUND example.org'));
    assert.equal(e.code, 'internal');
    assert.equal(e.message, 'getaddrinfo ENOTFOUND example.org');
  });

  it('a wire error with a known code is rebuilt with its hint', () => {
    const e = toApiError({ code: 'refused', message: 'no', hint: 'do this' });
    assert.deepEqual(e.toJSON(), { code: 'refused', message: 'no', hint: 'do this' });
  });
});

describe('download errors', () => {
  const url = 'https://walt-project.liglab.fr/downloads/rpi-4-sd-recovery.tar.gz';

  it('an offline station: the host does not resolve; fetch the file elsewhere', () => {
    const e = downloadError(systemError('ENOTFOUND', 'getaddrinfo ENOTFOUND walt-project.liglab.fr'), 'rpi-4-sd-recovery.tar.gz', url);
    assert.equal(e.code, 'io-error');
    assert.equal(e.message, 'cannot download rpi-4-sd-recovery.tar.gz: walt-project.liglab.fr cannot be resolved (ENOTFOUND): this station has no network or no DNS');
    assert.match(e.hint ?? '', /on a machine with internet access, download https:\/\/walt-project\.liglab\.fr\/downloads\/rpi-4-sd-recovery\.tar\.gz, copy it to this station/);
  });

  it('a refused connection and an HTTP status are named', () => {
    assert.match(downloadError(systemError('ECONNREFUSED', 'connect ECONNREFUSED'), 'f', url).message, /no connection to walt-project\.liglab\.fr \(ECONNREFUSED\)/);
    assert.match(downloadError(new Error(`${url}: HTTP 404`), 'f', url).message, /walt-project\.liglab\.fr answered HTTP 404/);
  });

  it('an ApiError (checksum mismatch...) passes as it is', () => {
    const original = new ApiError('source-error', 'checksum mismatch', 'download it again');
    assert.equal(downloadError(original, 'f', url), original);
  });
});
