import { useState, type ReactNode } from 'react';
import type { CardProgressEvent, CardResultData, DriveIdentityData } from '../../../../src-main/api/contract.js';
import { ProgressBar } from '../../components/progress-bar.js';
import { assertNever } from '../../util/assert-never.js';
import { deviceBase, formatBytes, formatCardSize, formatDuration, formatEta, formatSpeed } from '../../util/format.js';

type Phase = CardProgressEvent['phase'];

/** Words for a phase. */
export function phaseLabel(phase: Phase): string {
  switch (phase) {
    case 'queued':
      return 'Waiting';
    case 'decompress':
      return 'Decompressing';
    case 'write':
      return 'Writing';
    case 'verify':
      return 'Verifying';
    case 'done':
      return 'Done';
    case 'failed':
      return 'Failed';
    case 'cancelled':
      return 'Cancelled';
    default:
      return assertNever(phase);
  }
}

function tone(phase: Phase): 'write' | 'verify' | 'done' | 'failed' | 'muted' {
  switch (phase) {
    case 'queued':
    case 'cancelled':
      return 'muted';
    case 'decompress':
    case 'write':
      return 'write';
    case 'verify':
      return 'verify';
    case 'done':
      return 'done';
    case 'failed':
      return 'failed';
    default:
      return assertNever(phase);
  }
}

/** The phase a card is in, results winning over progress reports. */
function effectivePhase(progress: CardProgressEvent | undefined, result: CardResultData | undefined): Phase {
  if (result) return result.ok ? 'done' : result.cancelled ? 'cancelled' : 'failed';
  return progress?.phase ?? 'queued';
}

/** One card of a running or finished session: phase, bar, bytes, speed, ETA, cancel; then its result. */
export function CardRow(props: {
  device: string;
  identity: DriveIdentityData | undefined;
  progress: CardProgressEvent | undefined;
  result: CardResultData | undefined;
  onCancel(device: string): void;
}): ReactNode {
  const { device, progress: p, result: r } = props;
  const base = deviceBase(device);
  const [asking, setAsking] = useState(false);
  const phase = effectivePhase(p, r);
  const running = !r && phase !== 'done' && phase !== 'failed' && phase !== 'cancelled';
  const fraction = r ? (r.ok ? 1 : p && p.total ? p.bytes / p.total : 0) : p && p.total ? p.bytes / p.total : p?.phase === 'queued' ? 0 : null;
  return (
    <li className={`card card--${tone(phase)}`} data-testid={`card-progress-${base}`} data-phase={phase}>
      <div className="card__who">
        <span className="card__device mono">{device}</span>
        <span className="card__desc">
          {props.identity?.description ?? ''}
          {props.identity?.size ? ` · ${formatCardSize(props.identity.size)}` : ''}
        </span>
      </div>
      <span className={`phase phase--${tone(phase)}`} data-testid={`card-phase-${base}`}>
        {phaseLabel(phase)}
      </span>
      <div className="card__bar">
        <ProgressBar value={fraction} label={`${device}: ${phaseLabel(phase)}`} tone={tone(phase)} />
        {running && p ? (
          <div className="card__numbers numeric">
            <span>
              {formatBytes(p.bytes)} / {formatBytes(p.total)}
            </span>
            <span>{formatSpeed(p.speed)}</span>
            <span>ETA {formatEta(p.eta)}</span>
          </div>
        ) : r ? (
          <CardResultLine result={r} base={base} />
        ) : (
          <div className="card__numbers muted">{running ? 'Starting…' : ''}</div>
        )}
      </div>
      <div className="card__action">
        {running && !asking && (
          <button type="button" className="button button--small" data-testid={`card-cancel-${base}`} aria-label={`Cancel ${device}`} onClick={() => setAsking(true)}>
            Cancel
          </button>
        )}
        {running && asking && (
          <div className="card__confirm" role="group" aria-label={`Stop writing ${device}?`} data-testid={`card-cancel-ask-${base}`}>
            <span className="small">Stop writing {device}? It keeps a partial image.</span>
            <button
              type="button"
              className="button button--small button--danger-outline"
              data-testid={`card-cancel-confirm-${base}`}
              onClick={() => {
                setAsking(false);
                props.onCancel(device);
              }}
            >
              Stop it
            </button>
            <button type="button" className="button button--small" data-testid={`card-cancel-keep-${base}`} autoFocus onClick={() => setAsking(false)}>
              Keep writing
            </button>
          </div>
        )}
      </div>
    </li>
  );
}

function CardResultLine(props: { result: CardResultData; base: string }): ReactNode {
  const r = props.result;
  const speed = r.durationMs > 0 ? (r.bytes / r.durationMs) * 1000 : 0;
  return (
    <div
      className={`card__result ${r.ok ? 'card__result--ok' : r.cancelled ? 'card__result--cancelled' : 'card__result--failed'}`}
      data-testid={`card-result-${props.base}`}
      data-ok={r.ok}
      data-verified={r.verified}
    >
      {r.ok ? (
        <>
          <strong>{r.verified ? 'Written and verified' : 'Written (not verified)'}</strong>
          <span className="numeric">
            {formatBytes(r.bytes)} in {formatDuration(r.durationMs)} · {formatSpeed(speed)}
          </span>
        </>
      ) : r.cancelled ? (
        <strong>Cancelled: the card holds a partial image</strong>
      ) : (
        <strong className="break">{r.error ?? 'Failed'}</strong>
      )}
    </div>
  );
}
