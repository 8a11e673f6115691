import { useEffect, useState, type ReactNode } from 'react';
import type { CommandOutput } from '../../../../src-main/api/contract.js';
import { useApi, useEvent } from '../../api/api-context.js';
import { InlineError, inlineError, type InlineErrorData } from '../../components/inline-error.js';
import { formatBytes } from '../../util/format.js';

type CatalogData = CommandOutput<'catalog.get'>;

const MEDIUM_TEXT: Record<CatalogData['catalog']['models'][number]['medium'], string> = {
  'sd-card': 'an SD card that stays in the board',
  'sd-card-once': 'an SD card used once (EEPROM recovery), then no card',
  'usb-stick': 'a USB stick that stays plugged in',
  none: 'nothing to prepare',
};

/** "Prepare a board": node model -> artifact and medium, and why -> download or use the artifact -> cards. */
export function PrepareBoardPanel(props: { onUse(path: string): void }): ReactNode {
  const api = useApi();
  const [error, setError] = useState<InlineErrorData | null>(null);
  const [data, setData] = useState<CatalogData | null>(null);
  const [model, setModel] = useState('');
  const [progress, setProgress] = useState<{ bytes: number; total: number | null } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.call('catalog.get', {}).then(setData, (e: unknown) => setError(inlineError(e, 'Cannot load the catalog')));
  }, [api]);
  useEvent('catalog.progress', (p) => setProgress({ bytes: p.bytes, total: p.total }));

  const plan = data?.catalog.models.find((m) => m.id === model) ?? null;
  const artifact = plan?.artifact ? (data?.catalog.artifacts.find((a) => a.id === plan.artifact) ?? null) : null;
  const cached = artifact ? (data?.cached[artifact.id] ?? null) : null;

  const download = async (): Promise<void> => {
    if (!artifact) return;
    setBusy(true);
    setError(null);
    setProgress({ bytes: 0, total: artifact.size ?? null });
    try {
      const got = await api.call('catalog.download', { artifact: artifact.id });
      setData(await api.call('catalog.get', {}));
      props.onUse(got.path);
    } catch (e) {
      // the service's message names the file, the host and the cause ("cannot download x: ... cannot be resolved")
      setError(inlineError(e));
    } finally {
      setBusy(false);
      setProgress(null);
    }
  };

  return (
    <section className="card-tool" aria-labelledby="prepare-title" data-testid="prepare-board">
      <h2 id="prepare-title" className="card-tool__title">Prepare a board</h2>
      <div className="card-tool__row">
        <label htmlFor="prepare-model">Node model</label>
        <select
          id="prepare-model"
          value={model}
          onChange={(e) => {
            setModel(e.target.value);
            setError(null);
          }}
          data-testid="prepare-model"
        >
          <option value="">choose…</option>
          {data?.catalog.models.map((m) => (
            <option key={m.id} value={m.id}>
              {m.id} ({m.title})
            </option>
          ))}
        </select>
      </div>
      {plan && (
        <div className="card-report" data-testid="prepare-plan">
          <p>
            <strong>{artifact ? artifact.file : 'Nothing to download'}</strong> on <strong>{MEDIUM_TEXT[plan.medium]}</strong>
          </p>
          <p>{plan.why}</p>
          <p className="muted">Then: {plan.after}.</p>
          {artifact && (
            <div className="card-tool__row">
              {cached ? (
                <button type="button" className="button button--primary" onClick={() => props.onUse(cached.path)} data-testid="prepare-use">
                  Use {artifact.file} (downloaded, {formatBytes(cached.size)})
                </button>
              ) : (
                <button type="button" className="button button--primary" disabled={busy} onClick={() => void download()} data-testid="prepare-download">
                  Download {artifact.file}
                </button>
              )}
              {progress && (
                <span className="muted small" data-testid="prepare-progress">
                  {formatBytes(progress.bytes)}
                  {progress.total ? ` of ${formatBytes(progress.total)}` : ''}
                </span>
              )}
            </div>
          )}
          {artifact && (
            <p className="muted small">
              {artifact.write === 'build-card'
                ? 'walt-bench builds the FAT32 card from the archive; it becomes the image of step 1, written to the cards you select in step 2.'
                : 'It becomes the image of step 1, written raw to the cards you select in step 2.'}
            </p>
          )}
        </div>
      )}
      <InlineError error={error} onDismiss={() => setError(null)} testId="prepare-error" />
    </section>
  );
}
