import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ApiError } from '../../api/errors.js';

const run = promisify(execFile);

/** The station's TLS identity: PEM key and certificate, and the certificate's SHA-256 fingerprint to print. */
export interface StationCertificate {
  key: string;
  cert: string;
  /** `AA:BB:...` as browsers show it in their certificate viewer. */
  fingerprint256: string;
  /** Where the certificate lives (the technician can give it to other machines to trust). */
  certPath: string;
  /** True when this run generated it. */
  created: boolean;
}

function covers(cert: X509Certificate, names: readonly string[], now: Date): boolean {
  if (new Date(cert.validTo) <= now) return false;
  return names.every((n) => (isIP(n) ? cert.checkIP(n) !== undefined : cert.checkHost(n) !== undefined));
}

/**
 * The station's self-signed certificate in `dir` (station-tls/ of the state directory), generated with Debian's
 * `openssl` on first use, and again when it expired or does not name one of `names` (host names and addresses the
 * station answers to). The key is readable by its owner only.
 */
export async function loadOrCreateCertificate(dir: string, names: readonly string[], now = new Date()): Promise<StationCertificate> {
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  const existing = await Promise.all([readFile(keyPath, 'utf8'), readFile(certPath, 'utf8')]).catch(() => null);
  if (existing) {
    const x509 = new X509Certificate(existing[1]);
    if (covers(x509, names, now)) return { key: existing[0], cert: existing[1], fingerprint256: x509.fingerprint256, certPath, created: false };
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const san = [...new Set(names)].map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
  const tmpKey = `${keyPath}.new`;
  const tmpCert = `${certPath}.new`;
  try {
    await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-sha256',
      '-days', '825', '-subj', '/CN=walt-bench station', '-addext', `subjectAltName=${san}`,
      '-keyout', tmpKey, '-out', tmpCert,
    ]);
  } catch (error) {
    await rm(tmpKey, { force: true });
    await rm(tmpCert, { force: true });
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    throw new ApiError(
      'io-error',
      e.code === 'ENOENT'
        ? 'the station needs openssl to make its TLS certificate for the lab network, and it is not installed'
        : `openssl could not make the station's TLS certificate in ${dir}: ${e.stderr?.trim() || e.message}`,
      'install openssl (apt-get install openssl), or keep the station on 127.0.0.1',
    );
  }
  await chmod(tmpKey, 0o600);
  await rename(tmpKey, keyPath);
  await rename(tmpCert, certPath);
  const [key, cert] = await Promise.all([readFile(keyPath, 'utf8'), readFile(certPath, 'utf8')]);
  return { key, cert, fingerprint256: new X509Certificate(cert).fingerprint256, certPath, created: true };
}
