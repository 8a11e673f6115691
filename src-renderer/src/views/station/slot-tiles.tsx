import type { ReactNode } from 'react';
import type { SlotData, SlotTileData } from '../../../../src-main/api/contract.js';
import { ProgressBar } from '../../components/progress-bar.js';
import { formatBytes, formatSpeed } from '../../util/format.js';

/** A tile's words: empty, card inserted, writing %, verifying, done (remove it), failed + why, not enrolled. */
function tileText(tile: SlotTileData | null, slot: SlotData | null): { label: string; tone: string } {
  if (!tile) {
    if (slot && !slot.enrolled) return { label: 'not enrolled', tone: 'idle' };
    return slot?.card ? { label: 'card inserted', tone: 'idle' } : { label: 'empty', tone: 'idle' };
  }
  switch (tile.state) {
    case 'waiting':
      return { label: 'empty: insert a card', tone: 'idle' };
    case 'present-at-arm':
      return { label: 'card was there before arming: not written, remove it', tone: 'warn' };
    case 'writing': {
      const pct = tile.total ? Math.floor((tile.bytes / tile.total) * 100) : null;
      return { label: pct === null ? 'writing' : `writing ${pct}%`, tone: 'busy' };
    }
    case 'verifying':
      return { label: 'verifying', tone: 'busy' };
    case 'done':
      return { label: `card ${tile.card ?? ''} done: remove it`, tone: 'ok' };
    case 'failed':
      return { label: `FAILED: ${tile.message ?? 'unknown error'}, remove it`, tone: 'fail' };
    case 'refused':
      return { label: `not written: ${tile.message ?? 'refused'}`, tone: 'warn' };
    case 'unplugged':
      return { label: 'reader unplugged', tone: 'warn' };
  }
}

/** One tile per slot of the job (or per enrolled slot when no job runs). */
export function SlotTiles(props: { slots: SlotData[]; tiles: SlotTileData[] | null; jobSlots: string[] | null }): ReactNode {
  const shown = props.jobSlots ?? props.slots.filter((s) => s.enrolled).map((s) => s.slot);
  if (shown.length === 0) return <p className="muted">No slot enrolled yet.</p>;
  return (
    <ul className="slot-tiles" data-testid="slot-tiles">
      {shown.map((id, i) => {
        const tile = props.tiles?.find((t) => t.slot === id) ?? null;
        const slot = props.slots.find((s) => s.slot === id) ?? null;
        const { label, tone } = tileText(tile, slot);
        const busy = tile && (tile.state === 'writing' || tile.state === 'verifying');
        return (
          <li key={id} className={`slot-tile slot-tile--${tone}`} data-testid={`slot-tile-${i + 1}`} data-state={tile?.state ?? 'none'}>
            <p className="slot-tile__name">
              Slot {i + 1} <span className="muted small">{id}</span>
            </p>
            <p className="slot-tile__state" data-testid="slot-tile-state">
              {label}
            </p>
            {busy && tile && (
              <>
                <ProgressBar value={tile.total ? tile.bytes / tile.total : null} label={`Slot ${i + 1}`} tone="write" />
                <p className="small numeric">
                  {formatBytes(tile.bytes)} · {formatSpeed(tile.speed)}
                </p>
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}
