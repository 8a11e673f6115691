import { rendererRoot } from '../../services/version.js';
import type { Backend } from '../../services/backend.js';
import { startStation } from '../../transports/station/station-server.js';
import { parse, UsageError } from '../args.js';

/** `walt-bench station [--port P] [--host H]`: serves the UI and the API to a browser until stopped. */
export async function stationCommand(backend: Backend, argv: string[]): Promise<number> {
  const { values } = parse(argv, { port: { type: 'string' }, host: { type: 'string' } }, false);
  const port = values.port === undefined ? 8717 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port takes 0..65535');
  const host = values.host ?? '127.0.0.1';
  const station = await startStation({
    dispatcher: backend.dispatcher,
    staticRoot: rendererRoot(),
    uploadDir: backend.paths.uploads,
    host,
    port,
  });
  process.stdout.write(
    `walt-bench station is running (state in ${backend.paths.home}).\n` +
      `Open this URL in a browser (it holds the access token):\n\n    ${station.url}\n\n`,
  );
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
    process.stdout.write(`warning: listening on ${host}: anyone with the token on that network can write cards\n`);
  }
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await station.close();
  return 0;
}
