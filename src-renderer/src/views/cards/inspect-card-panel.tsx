import { useState, type ReactNode } from 'react';
import type { CommandOutput } from '../../../../src-main/api/contract.js';
import { useApi } from '../../api/api-context.js';
import { InlineError, inlineError, type InlineErrorData } from '../../components/inline-error.js';
import { useMessages } from '../../components/messages.js';
import { formatBytes } from '../../util/format.js';

type Report = CommandOutput<'card.inspect'>;

const RECOVERY_TEXT: Record<NonNullable<Report['recovery']>, string> = {
  armed: 'recovery.bin in place: ready for a board',
  used: 'recovery.bin was renamed RECOVERY.000 by a board: rearm it before the next board',
  both: 'both recovery.bin and RECOVERY.000: delete RECOVERY.000',
  none: 'no recovery.bin',
};

/** The "Inspect card" panel: what a card (or image, or archive) holds, and rearming a used recovery card. */
export function InspectCardPanel(props: { devices: string[] }): ReactNode {
  const api = useApi();
  const { notify } = useMessages();
  const [error, setError] = useState<InlineErrorData | null>(null);
  // a failed rearm is shown under the report, next to its button; a failed inspection under the path
  const [errorAt, setErrorAt] = useState<'inspect' | 'rearm'>('inspect');
  const [path, setPath] = useState('');
  const [report, setReport] = useState<Report | null>(null);
  const [busy, setBusy] = useState(false);

  const inspect = async (target = path): Promise<void> => {
    if (!target) return;
    setBusy(true);
    setError(null);
    try {
      setReport(await api.call('card.inspect', { path: target }));
    } catch (e) {
      setReport(null);
      setErrorAt('inspect');
      setError(inlineError(e, `Cannot inspect ${target}`));
    } finally {
      setBusy(false);
    }
  };

  const rearm = async (): Promise<void> => {
    if (!report) return;
    setBusy(true);
    try {
      notify((await api.call('card.rearm', { path: report.path })).message);
      await inspect(report.path);
    } catch (e) {
      setErrorAt('rearm');
      setError(inlineError(e, 'Cannot rearm the card'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card-tool" aria-labelledby="inspect-title" data-testid="inspect-card">
      <h2 id="inspect-title" className="card-tool__title">Inspect card</h2>
      <div className="card-tool__row">
        <input
          className="card-tool__input"
          list="inspect-devices"
          placeholder="/dev/sdb, or an image or archive path"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          aria-label="Card, image or archive to inspect"
          data-testid="inspect-path"
        />
        <datalist id="inspect-devices">
          {props.devices.map((d) => (
            <option key={d} value={d} />
          ))}
        </datalist>
        <button type="button" className="button" disabled={busy || !path} onClick={() => void inspect()} data-testid="inspect-run">
          Inspect
        </button>
      </div>
      {errorAt === 'inspect' && <InlineError error={error} onDismiss={() => setError(null)} testId="inspect-error" />}
      {report && (
        <div className="card-report" data-testid="inspect-report">
          <dl>
            <dt>Medium</dt>
            <dd>
              {report.path} ({report.source}, {formatBytes(report.size)}), partition table: {report.table}
            </dd>
            {report.partitions.map((p) => (
              <div key={p.index} className="card-report__part">
                <dt>Partition {p.index}</dt>
                <dd>
                  {p.type} at {formatBytes(p.start)} (sector {p.start / 512}), {formatBytes(p.size)}
                  {p.filesystem
                    ? `: ${p.filesystem.type} "${p.filesystem.label ?? p.filesystem.bootLabel}", ${p.filesystem.files} files`
                    : ': no FAT filesystem'}
                </dd>
              </div>
            ))}
            <dt>Artifact</dt>
            <dd data-testid="inspect-artifact">
              <strong>{report.artifact}</strong> <span className="muted">({report.artifactReason})</span>
            </dd>
            <dt>walt.date</dt>
            <dd>{report.waltDate ? `${report.waltDate.text}${report.waltDate.iso ? ` (${report.waltDate.iso})` : ''}` : 'none'}</dd>
            {report.models.length > 0 && (
              <>
                <dt>Serves</dt>
                <dd data-testid="inspect-models">{report.models.join(', ')}</dd>
              </>
            )}
            {report.recovery && (
              <>
                <dt>Recovery</dt>
                <dd data-testid="inspect-recovery">{RECOVERY_TEXT[report.recovery]}</dd>
              </>
            )}
          </dl>
          {report.notes.map((n) => (
            <p key={n} className="muted small">
              {n}
            </p>
          ))}
          {report.recovery === 'used' && (
            <button type="button" className="button button--primary" disabled={busy} onClick={() => void rearm()} data-testid="inspect-rearm">
              Rearm: rename RECOVERY.000 back to recovery.bin
            </button>
          )}
          {errorAt === 'rearm' && <InlineError error={error} onDismiss={() => setError(null)} testId="inspect-error" />}
        </div>
      )}
    </section>
  );
}
