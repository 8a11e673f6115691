import { join } from 'node:path';
import { rendererRoot } from '../../services/version.js';
import type { Backend } from '../../services/backend.js';
import { allowedHostNames, isLoopbackHost } from '../../transports/station/host-check.js';
import { startStation } from '../../transports/station/station-server.js';
import { loadOrCreateCertificate, type StationCertificate } from '../../transports/station/tls-certificate.js';
import { loadOrCreateToken, type StoredToken } from '../../transports/station/station-token.js';
import { parse, UsageError } from '../args.js';
import { untilStopped } from '../stop-signals.js';

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** `--max-upload 512M`: bytes, with an optional K/M/G/T (binary) suffix. */
export function parseUploadSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(text.trim());
  const factor = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || factor === undefined) throw new UsageError(`--max-upload takes a size like 4G or 512M, not "${text}"`);
  return Math.floor(Number(m[1]) * factor);
}

/**
 * `walt-bench station [--port P] [--host H] [--tls] [--max-upload SIZE] [--rotate-token]`: serves the UI and the API to a browser
 * until stopped. Off loopback (the lab network) it always serves HTTPS/WSS with a self-signed certificate made on
 * first use (its fingerprint printed); it never serves the token in clear text over a network.
 */
export async function stationCommand(backend: Backend, argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    { port: { type: 'string' }, host: { type: 'string' }, tls: { type: 'boolean' }, 'max-upload': { type: 'string' }, 'rotate-token': { type: 'boolean' } },
    false,
  );
  const port = values.port === undefined ? 8717 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port takes 0..65535');
  const host = values.host ?? '127.0.0.1';
  const maxUploadBytes = values['max-upload'] === undefined ? undefined : parseUploadSize(values['max-upload']);
  const lab = !isLoopbackHost(host);
  let certificate: StationCertificate | null = null;
  let stored: StoredToken | null = null;
  const tlsDir = join(backend.paths.home, 'station-tls');
  if (lab || values.tls) {
    const names = [...allowedHostNames(host)].map((n) => n.replace(/^\[|\]$/g, ''));
    certificate = await loadOrCreateCertificate(tlsDir, names);
  }
  // A lab station keeps its token across restarts (the lab's browsers keep working) until --rotate-token; on
  // loopback each run makes a new one, as the desktop's pages are opened from the URL printed each time.
  if (lab || values['rotate-token']) stored = await loadOrCreateToken(tlsDir, values['rotate-token'] === true);
  const station = await startStation({
    dispatcher: backend.dispatcher,
    staticRoot: rendererRoot(),
    uploadDir: backend.paths.uploads,
    host,
    port,
    maxUploadBytes,
    tls: certificate ? { key: certificate.key, cert: certificate.cert } : undefined,
    token: stored?.token,
  });
  // The URL comes last: it is what the technician copies.
  process.stdout.write(`walt-bench station is running (state in ${backend.paths.home}).\n`);
  if (lab) {
    process.stdout.write(`warning: listening on ${host}: anyone on that network with the URL can write cards\n`);
  }
  if (certificate) {
    process.stdout.write(
      `TLS: self-signed certificate ${certificate.created ? 'made now' : 'made earlier'} (${certificate.certPath})\n` +
        `     SHA-256 fingerprint ${certificate.fingerprint256}\n` +
        `     accept it in the browser only if its certificate viewer shows this same fingerprint\n`,
    );
  }
  if (stored) {
    const words = { kept: 'kept from the last run', new: 'made now', rotated: 'rotated now: the old one is refused' };
    process.stdout.write(`Token: ${words[stored.origin]} (${join(tlsDir, 'token')}; walt-bench station --rotate-token replaces it)\n`);
  }
  process.stdout.write(
    `Open this URL in a browser (the access token is after the #, which browsers never send to a server):\n\n` +
      `    ${station.url}\n\n`,
  );
  await untilStopped();
  await station.close();
  return 0;
}
