import { useRef, type ReactNode } from 'react';
import type { DriveStatus } from '../../../../src-main/api/contract.js';
import { Dialog } from '../../components/dialog.js';
import { formatCardSize } from '../../util/format.js';

/** Asks before a large drive (probably not a card) can be selected. */
export function LargeDriveDialog(props: { drive: DriveStatus; onCancel(): void; onConfirm(): void }): ReactNode {
  const d = props.drive;
  const cancelRef = useRef<HTMLButtonElement>(null);
  return (
    <Dialog
      title={`Is ${d.device} really a card?`}
      onClose={props.onCancel}
      testId="large-drive-dialog"
      tone="danger"
      initialFocus={cancelRef}
      actions={
        <>
          <button ref={cancelRef} type="button" className="button" onClick={props.onCancel}>
            No, leave it
          </button>
          <button type="button" className="button button--danger" data-testid="confirm-large" onClick={props.onConfirm}>
            Yes, it is a card: select it
          </button>
        </>
      }
    >
      <p>
        <strong>{d.description}</strong> ({d.device}) holds <strong>{formatCardSize(d.size)}</strong>: that is large
        for an SD card or a USB stick. It may be an external disk with data on it.
      </p>
      <ul className="notes">
        {d.reasons.map((r) => (
          <li key={r.code} className={`note note--${r.severity}`}>
            {r.message}
          </li>
        ))}
      </ul>
      <p>Select it only if you are sure everything on it may be erased.</p>
    </Dialog>
  );
}
