import type { ReactNode } from 'react';
import type { ImageInfo } from '../../../../src-main/api/contract.js';
import { ProgressBar } from '../../components/progress-bar.js';
import { formatBytes } from '../../util/format.js';
import { StepPanel } from './step-panel.js';
import { baseName, imageReady } from './use-image.js';
import type { UploadState } from './use-drop-image.js';

/** Step 1: the image (choose, drop, what it is, which entry of a zip). */
export function ImageStep(props: {
  info: ImageInfo | null;
  inspecting: string | null;
  upload: UploadState | null;
  onChoose(): void;
  onChooseEntry(entry: string): void;
}): ReactNode {
  const { info, inspecting, upload } = props;
  return (
    <StepPanel step={1} title="Image" done={imageReady(info)} testId="step-image">
      {upload && (
        <div className="upload" data-testid="upload-progress">
          <p>
            Uploading <strong>{upload.name}</strong> to the station…
          </p>
          <ProgressBar
            value={upload.total > 0 ? upload.loaded / upload.total : null}
            label={`Upload of ${upload.name}`}
            tone="upload"
          />
          <div className="upload__row">
            <span className="numeric">
              {formatBytes(upload.loaded)} of {formatBytes(upload.total)}
            </span>
            <button type="button" className="button button--small" onClick={upload.abort}>
              Cancel upload
            </button>
          </div>
        </div>
      )}
      {inspecting && (
        <p className="busy" role="status">
          Reading {baseName(inspecting)}…
        </p>
      )}
      {info ? <ImageCard info={info} onChooseEntry={props.onChooseEntry} /> : !upload && <EmptyImage />}
      <button
        type="button"
        className={`button button--block ${info ? '' : 'button--primary button--large'}`}
        data-testid="choose-image"
        onClick={props.onChoose}
        disabled={upload !== null}
      >
        {info ? 'Choose another image…' : 'Choose image…'}
      </button>
    </StepPanel>
  );
}

function EmptyImage(): ReactNode {
  return (
    <div className="image-empty">
      <p className="image-empty__lead">Which image goes on the cards?</p>
      <p className="muted">
        Choose a file, or drop it anywhere on this window.
        <br />
        <span className="small">.img .dd .raw · .gz · .xz · .zip · .bz2</span>
      </p>
    </div>
  );
}

function ImageCard(props: { info: ImageInfo; onChooseEntry(entry: string): void }): ReactNode {
  const { info } = props;
  const needsEntry = info.entries.length > 1;
  return (
    <div className="image-card" data-testid="image-info">
      <p className="image-card__name" data-testid="image-name" title={info.path}>
        {info.entry ? baseName(info.entry) : info.name}
      </p>
      <dl className="facts">
        <dt>Kind</dt>
        <dd>
          <span className={`badge badge--kind`}>{info.kind.toUpperCase()}</span>
          {info.kind !== 'raw' && <span className="muted small"> compressed {formatBytes(info.fileSize)}</span>}
        </dd>
        <dt>Size on card</dt>
        <dd data-testid="image-size">
          {info.size === null ? (
            'unknown'
          ) : info.sizeIsEstimate ? (
            <span title="Estimated from the compressed file">~{formatBytes(info.size)} (estimated)</span>
          ) : (
            formatBytes(info.size)
          )}
        </dd>
        <dt>File</dt>
        <dd className="mono small break">{info.path}</dd>
      </dl>
      {needsEntry && (
        <div className="field">
          <label htmlFor="zip-entry">This zip holds {info.entries.length} images: which one?</label>
          <select
            id="zip-entry"
            className="input"
            data-testid="zip-entry"
            value={info.entry ?? ''}
            onChange={(e) => e.target.value && props.onChooseEntry(e.target.value)}
          >
            <option value="" disabled>
              Choose the image inside the zip
            </option>
            {info.entries.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        </div>
      )}
      {info.warnings.length > 0 && (
        <ul className="warnings" data-testid="image-warnings">
          {info.warnings.map((w) => (
            <li key={w} className="note note--warn">
              {w}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
