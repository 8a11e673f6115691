import { useState, type ReactNode } from 'react';
import type { DriveStatus } from '../../../../src-main/api/contract.js';
import { plural } from '../../util/format.js';
import { DriveRow } from './drive-row.js';
import { LargeDriveDialog } from './large-drive-dialog.js';
import { StepPanel } from './step-panel.js';
import type { SelectionState } from './use-selection.js';

/** Step 2: the live list of drives; several can be selected. */
export function DrivesStep(props: {
  drives: DriveStatus[] | null;
  fresh: ReadonlySet<string>;
  selection: SelectionState;
}): ReactNode {
  const { drives, selection } = props;
  const [confirming, setConfirming] = useState<DriveStatus | null>(null);
  const sorted = [...(drives ?? [])].sort(
    (a, b) => Number(b.eligible) - Number(a.eligible) || a.device.localeCompare(b.device),
  );
  const eligibleCount = sorted.filter((d) => d.eligible).length;

  const toggle = (d: DriveStatus): void => {
    if (selection.selected.has(d.device)) selection.unselect(d.device);
    else if (d.needsConfirm) setConfirming(d);
    else selection.select(d);
  };

  const allEligible = sorted.filter((d) => d.eligible && !d.needsConfirm);
  const n = selection.selected.size;
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
            {n} of {plural(eligibleCount, 'usable drive')} selected
          </span>
          {allEligible.length > 1 && (
            <button
              type="button"
              className="button button--small"
              onClick={() => (n > 0 ? selection.clear() : allEligible.forEach((d) => selection.select(d)))}
            >
              {n > 0 ? 'Select none' : 'Select all'}
            </button>
          )}
        </>
      }
    >
        {drives === null ? (
          <p className="busy">Looking for drives…</p>
        ) : sorted.length === 0 ? (
          <div className="drives-empty">
            <p className="image-empty__lead">No drives found.</p>
            <p className="muted">Insert an SD card or a USB stick: it shows up here.</p>
          </div>
        ) : (
          <ul className="drives" aria-label="Drives" data-testid="drive-list">
            {sorted.map((d) => (
              <DriveRow
                key={d.device}
                drive={d}
                selected={selection.selected.has(d.device)}
                fresh={props.fresh.has(d.device)}
                onToggle={toggle}
              />
            ))}
          </ul>
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
