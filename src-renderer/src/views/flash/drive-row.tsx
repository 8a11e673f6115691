import type { ReactNode } from 'react';
import type { DriveStatus } from '../../../../src-main/api/contract.js';
import { deviceBase, formatCardSize } from '../../util/format.js';

/** The kind badges of a drive (USB, card, virtual, read-only). */
export function DriveBadges(props: { drive: DriveStatus }): ReactNode {
  const d = props.drive;
  return (
    <span className="badges">
      {d.isUSB && <span className="badge">USB</span>}
      {d.isCard && <span className="badge">card</span>}
      {d.isVirtual && <span className="badge badge--virtual">virtual</span>}
      {d.isSystem && <span className="badge badge--danger">system</span>}
      {d.isReadOnly && <span className="badge badge--danger">read-only</span>}
    </span>
  );
}

/** One drive of the list: checkbox, description, device, size, badges, and why it is (not) a target. */
export function DriveRow(props: {
  drive: DriveStatus;
  selected: boolean;
  fresh: boolean;
  onToggle(drive: DriveStatus): void;
}): ReactNode {
  const d = props.drive;
  const base = deviceBase(d.device);
  const id = `drive-${base}`;
  const blocking = d.reasons.filter((r) => r.severity === 'block');
  // a drive that cannot be written shows only why; notes (mounted, large) matter for targets only
  const notes = d.eligible ? d.reasons.filter((r) => r.severity !== 'block') : [];
  const shown = blocking.length + notes.length;
  const cls = [
    'drive',
    props.selected ? 'drive--selected' : '',
    d.eligible ? '' : 'drive--blocked',
    props.fresh ? 'drive--fresh' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <li className={cls} data-testid={`drive-row-${base}`} data-eligible={d.eligible}>
      <input
        type="checkbox"
        id={id}
        className="drive__check"
        data-testid={`drive-checkbox-${base}`}
        checked={props.selected}
        disabled={!d.eligible}
        aria-describedby={shown > 0 ? `${id}-reasons` : undefined}
        onChange={() => props.onToggle(d)}
      />
      <label htmlFor={id} className="drive__label">
        <span className="drive__title">
          {d.description || 'Unnamed drive'}
          {props.fresh && <span className="badge badge--new">new</span>}
        </span>
        <span className="drive__meta">
          <span className="mono">{d.device}</span>
          <span className="drive__size">{formatCardSize(d.size)}</span>
          <DriveBadges drive={d} />
        </span>
      </label>
      {shown > 0 && (
        <ul className="drive__reasons" id={`${id}-reasons`}>
          {blocking.map((r) => (
            <li key={r.code} className="note note--block">
              {r.message}
            </li>
          ))}
          {notes.map((r) => (
            <li key={r.code} className={`note note--${r.severity}`}>
              {r.severity === 'confirm' ? `${r.message} You will be asked to confirm.` : r.message}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
