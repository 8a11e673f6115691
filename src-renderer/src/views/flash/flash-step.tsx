import type { ReactNode } from 'react';
import type { ImageInfo } from '../../../../src-main/api/contract.js';
import { plural } from '../../util/format.js';
import { StepPanel } from './step-panel.js';
import { baseName } from './use-image.js';

/** How a disk image goes to the cards: its blocks in use (a bmap beside it honoured), every byte, or a bmap named here. */
export interface WriteChoice {
  mode: 'sparse' | 'full' | 'bmap';
  /** The bmap file's path when mode is 'bmap'. */
  bmap: string;
}

/** Step 3: verify or not, and the big Flash button (with what is still missing when it is disabled). */
export function FlashStep(props: {
  image: ImageInfo | null;
  imageReady: boolean;
  /** Selected devices, in selection order. */
  devices: string[];
  verify: boolean;
  onVerify(v: boolean): void;
  write: WriteChoice;
  onWrite(w: WriteChoice): void;
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
          : props.write.mode === 'bmap' && !props.image.card && props.write.bmap.trim() === ''
            ? 'Name the bmap file, or choose another way to write.'
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
      {props.image && !props.image.card && (
        <fieldset className="write-mode" data-testid="write-mode">
          <legend className="small">Write</legend>
          {(
            [
              ['sparse', 'Only the blocks in use', 'Free blocks are never read by the filesystem; a .bmap beside the image is honoured.'],
              ['full', 'Every byte', 'For a card that must be wiped.'],
              ['bmap', 'The ranges of a bmap file', 'bmaptool\'s .bmap, checked against the image.'],
            ] as const
          ).map(([mode, label, help]) => (
            <label className="check" key={mode}>
              <input
                type="radio"
                name="write-mode"
                data-testid={`write-${mode}`}
                checked={props.write.mode === mode}
                onChange={() => props.onWrite({ ...props.write, mode })}
              />
              <span>
                {label}
                <span className="muted small block">{help}</span>
              </span>
            </label>
          ))}
          {props.write.mode === 'bmap' && (
            <input
              type="text"
              className="input"
              data-testid="write-bmap-path"
              aria-label="bmap file"
              placeholder="/path/to/image.bmap"
              value={props.write.bmap}
              onChange={(e) => props.onWrite({ ...props.write, bmap: e.target.value })}
            />
          )}
        </fieldset>
      )}
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
