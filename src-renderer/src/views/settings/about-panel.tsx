import { useEffect, useState, type ReactNode } from 'react';
import type { CommandOutput } from '../../../../src-main/api/contract.js';
import { useApi } from '../../api/api-context.js';

/** About: the versions of the app, Electron, Node, etcher-sdk and the catalog (app.about). */
export function AboutPanel(): ReactNode {
  const api = useApi();
  const [about, setAbout] = useState<CommandOutput<'app.about'> | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    api.call('app.about', {}).then(setAbout, (e: unknown) => setFailed(e instanceof Error ? e.message : String((e as { message?: string })?.message ?? e)));
  }, [api]);
  return (
    <section aria-label="About" data-testid="about-panel">
      <h3>About</h3>
      {failed && <p role="alert">Cannot read the versions: {failed}</p>}
      {about && (
        <dl>
          <dt>walt-bench</dt>
          <dd data-testid="about-app">{about.app}</dd>
          <dt>Electron</dt>
          <dd data-testid="about-electron">{about.electron ?? 'not running in Electron'}</dd>
          <dt>Node</dt>
          <dd data-testid="about-node">{about.node}</dd>
          <dt>etcher-sdk</dt>
          <dd data-testid="about-etcher">{about.etcherSdk ?? 'not installed'}</dd>
          <dt>Catalog</dt>
          <dd data-testid="about-catalog">
            {about.catalog ? `version ${about.catalog.version}, ${about.catalog.date}, ${about.catalog.name} (${about.catalog.source})` : 'not readable'}
          </dd>
        </dl>
      )}
    </section>
  );
}
