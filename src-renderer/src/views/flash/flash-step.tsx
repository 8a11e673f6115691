import type { ReactNode } from 'react';
import type { ImageInfo } from '../../../../src-main/api/contract.js';
import { plural } from '../../util/format.js';
import { StepPanel } from './step-panel.js';
import { baseName } from './use-image.js';

/** Step 3: verify or not, and the big Flash button (with what is still missing when it is disabled). */
export function FlashStep(props: {
  image: ImageInfo | null;
  imageReady: boolean;
  /** Selected devices, in selection order. */
  devices: string[];
  verify: boolean;
  onVerify(v: boolean): void;
  connected: boolean;
  busy: boolean;
  onFlash(): void;
}): ReactNode {
  const count = props.devices.length;
  const missing = !props.image
    ? 'Choose an image first.'
    : !props.imageReady
      ? 'Choose which image inside the zip.'
      : count === 0
        ? 'Select at least one card.'
        : !props.connected
          ? 'Waiting for the station to answer again.'
          : null;
  return (
    <StepPanel step={3} title="Flash" done={false} testId="step-flash">
      <dl className="facts facts--summary">
        <dt>Image</dt>
        <dd className="break">{props.image ? (props.image.entry ? baseName(props.image.entry) : props.image.name) : '—'}</dd>
        <dt>Cards</dt>
        <dd>
          {count > 0 ? plural(count, 'card') : '—'}
          {count > 0 && (
            <ul className="selected-list" aria-label="Selected devices">
              {props.devices.map((d) => (
                <li key={d}>{d}</li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
      <label className="check">
        <input
          type="checkbox"
          data-testid="verify-checkbox"
          checked={props.verify}
          onChange={(e) => props.onVerify(e.target.checked)}
        />
        <span>
          Verify each card
          <span className="muted small block">Reads every card back and compares it with the image.</span>
        </span>
      </label>
      <button
        type="button"
        className="button button--primary button--large button--block button--flash"
        data-testid="flash-button"
        disabled={missing !== null || props.busy}
        aria-describedby="flash-missing"
        onClick={props.onFlash}
      >
        {props.busy ? 'Starting…' : count === 0 ? 'Flash' : count === 1 ? 'Flash 1 card' : `Flash ${count} cards`}
      </button>
      <p id="flash-missing" className="muted small center">
        {missing ?? 'Everything on the selected cards will be erased.'}
      </p>
    </StepPanel>
  );
}
