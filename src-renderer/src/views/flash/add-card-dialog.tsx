import { useRef, useState, type ReactNode } from 'react';
import type { DriveStatus } from '../../../../src-main/api/contract.js';
import { Dialog } from '../../components/dialog.js';
import { formatCardSize } from '../../util/format.js';
import { DriveBadges } from './drive-row.js';

/** Adds one more card to the running session. */
export function AddCardDialog(props: {
  drives: DriveStatus[];
  busy: boolean;
  onCancel(): void;
  onAdd(drive: DriveStatus, confirmLarge: boolean): void;
}): ReactNode {
  const [device, setDevice] = useState<string | null>(null);
  const [confirmLarge, setConfirmLarge] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const chosen = props.drives.find((d) => d.device === device) ?? null;
  const ready = chosen !== null && (!chosen.needsConfirm || confirmLarge);
  return (
    <Dialog
      title="Add a card to this flash"
      onClose={props.onCancel}
      testId="add-card-dialog"
      initialFocus={cancelRef}
      actions={
        <>
          <button ref={cancelRef} type="button" className="button" onClick={props.onCancel}>
            Cancel
          </button>
          <button
            type="button"
            className="button button--danger"
            data-testid="add-card-confirm"
            disabled={!ready || props.busy}
            onClick={() => chosen && props.onAdd(chosen, confirmLarge)}
          >
            Erase and flash {chosen ? chosen.device : 'card'}
          </button>
        </>
      }
    >
      {props.drives.length === 0 ? (
        <p className="muted">Insert a card: it shows up here.</p>
      ) : (
        <fieldset className="radio-list">
          <legend>Cards not in this flash</legend>
          {props.drives.map((d) => (
            <label key={d.device} className="radio-row">
              <input
                type="radio"
                name="add-card"
                value={d.device}
                checked={device === d.device}
                onChange={() => {
                  setDevice(d.device);
                  setConfirmLarge(false);
                }}
              />
              <span>
                <strong>{d.description}</strong> <span className="mono">{d.device}</span> {formatCardSize(d.size)}{' '}
                <DriveBadges drive={d} />
              </span>
            </label>
          ))}
        </fieldset>
      )}
      {chosen?.needsConfirm && (
        <label className="check note note--confirm">
          <input type="checkbox" checked={confirmLarge} onChange={(e) => setConfirmLarge(e.target.checked)} />
          {chosen.device} is large ({formatCardSize(chosen.size)}): I am sure it is a card that may be erased.
        </label>
      )}
    </Dialog>
  );
}
