import { useState, type ReactNode } from 'react';
import type { DriveStatus } from '../../../../src-main/api/contract.js';
import { plural } from '../../util/format.js';
import { DriveRow } from './drive-row.js';
import { LargeDriveDialog } from './large-drive-dialog.js';
import { StepPanel } from './step-panel.js';
import type { SelectionState } from './use-selection.js';

/** Step 2: the live list of drives; several can be selected; the others say why they cannot be. */
export function DrivesStep(props: {
  drives: DriveStatus[] | null;
  fresh: ReadonlySet<string>;
  selection: SelectionState;
}): ReactNode {
  const { drives, selection } = props;
  const [confirming, setConfirming] = useState<DriveStatus | null>(null);
  const sorted = [...(drives ?? [])].sort((a, b) => a.device.localeCompare(b.device, undefined, { numeric: true }));
  const usable = sorted.filter((d) => d.eligible);
  const blocked = sorted.filter((d) => !d.eligible);
  const quickSelect = usable.filter((d) => !d.needsConfirm);
  const n = selection.selected.size;

  const toggle = (d: DriveStatus): void => {
    if (selection.selected.has(d.device)) selection.unselect(d.device);
    else if (d.needsConfirm) setConfirming(d);
    else selection.select(d);
  };

  const row = (d: DriveStatus): ReactNode => (
    <DriveRow
      key={d.device}
      drive={d}
      selected={selection.selected.has(d.device)}
      fresh={props.fresh.has(d.device)}
      onToggle={toggle}
    />
  );

  return (
    <StepPanel
      step={2}
      title="Cards"
      done={n > 0}
      testId="step-drives"
      className="step--drives"
      aside={
        <>
          <span className="muted" data-testid="selected-count" aria-live="polite">
            {n} of {plural(usable.length, 'usable drive')} selected
          </span>
          {quickSelect.length > 1 && (
            <button
              type="button"
              className="button button--small"
              onClick={() => (n > 0 ? selection.clear() : quickSelect.forEach((d) => selection.select(d)))}
            >
              {n > 0 ? 'Select none' : 'Select all'}
            </button>
          )}
        </>
      }
    >
      {drives === null ? (
        <p className="busy">Looking for drives…</p>
      ) : (
        <>
          <ul className="drives" aria-label="Drives you can write" data-testid="drive-list">
            {usable.map(row)}
            {usable.length === 0 && (
              <li className="drives-empty">
                <p className="image-empty__lead">No card to write.</p>
                <p className="muted">Insert an SD card or a USB stick: it shows up here.</p>
              </li>
            )}
          </ul>
          {blocked.length > 0 && (
            <section aria-label="Drives that cannot be written">
              <h3 className="drives__subhead">Cannot be written ({blocked.length})</h3>
              <ul className="drives drives--blocked">{blocked.map(row)}</ul>
            </section>
          )}
        </>
      )}
      {confirming && (
        <LargeDriveDialog
          drive={confirming}
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            selection.select(confirming, true);
            setConfirming(null);
          }}
        />
      )}
    </StepPanel>
  );
}
