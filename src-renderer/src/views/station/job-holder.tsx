import { useState, type ReactNode } from 'react';
import type { StationJobData } from '../../../../src-main/api/contract.js';
import { Dialog } from '../../components/dialog.js';

/**
 * An armed job held by another client: who holds it, why this page cannot change it (the station refuses changes
 * from any other client than the one that armed it), and a forced disarm behind an explicit confirmation (the
 * station records it in the journal as forced, naming this page).
 */
export function HeldByOther(props: { job: StationJobData; onForceDisarm(): Promise<void> }): ReactNode {
  const [confirming, setConfirming] = useState(false);
  const { job } = props;
  return (
    <div className="note note--warn held-by-other" role="note" data-testid="station-held-by-other">
      <p>
        <strong>This job is held by another client:</strong> <span data-testid="station-holder">{job.armedBy}</span> armed it at{' '}
        {new Date(job.armedAt).toLocaleTimeString()}.
      </p>
      <p className="small">
        The station only lets the client that armed a job change or disarm it; a change from this page is refused (and
        recorded in the journal). Ask there, or disarm it from here anyway.
      </p>
      <button type="button" className="button button--danger" data-testid="station-force-disarm" onClick={() => setConfirming(true)}>
        Disarm anyway…
      </button>
      {confirming && (
        <Dialog
          title="Disarm a job held by another client?"
          tone="danger"
          testId="station-force-disarm-dialog"
          onClose={() => setConfirming(false)}
          actions={
            <>
              <button type="button" className="button" onClick={() => setConfirming(false)}>
                Cancel
              </button>
              <button
                type="button"
                className="button button--danger"
                data-testid="station-force-disarm-confirm"
                onClick={() => {
                  setConfirming(false);
                  void props.onForceDisarm();
                }}
              >
                Disarm job {job.jobId}
              </button>
            </>
          }
        >
          <p>
            Job {job.jobId} was armed by {job.armedBy}. Disarming it stops new cards in its {job.slots.length} slot
            {job.slots.length === 1 ? '' : 's'}; cards being written finish. The journal records that this page forced it.
          </p>
        </Dialog>
      )}
    </div>
  );
}
