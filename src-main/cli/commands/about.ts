/** `walt-bench about [--json]`: versions of the app, Electron, Node, etcher-sdk and the catalog (app.about). */
import type { ApiClient } from '../../api/contract.js';
import { aboutLines } from '../../services/app/about.js';
import { EXIT, parse } from '../args.js';
import { jsonLine } from '../output.js';

/** Prints the About facts, as text or one JSON line. */
export async function aboutCommand(api: ApiClient, argv: string[]): Promise<number> {
  const { values } = parse(argv, { json: { type: 'boolean' } }, false);
  const facts = await api.call('app.about', {});
  if (values.json) jsonLine(facts);
  else for (const line of aboutLines(facts)) console.log(line);
  return EXIT.ok;
}
