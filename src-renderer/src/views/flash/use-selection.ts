import { useCallback, useEffect, useState } from 'react';
import type { DriveIdentityData, DriveStatus } from '../../../../src-main/api/contract.js';
import { useMessages } from '../../components/messages.js';
import { blockingText, identityOf, sameCard } from './drive-identity.js';

/** One selected card: its identity when selected, and whether its "large drive" warning was confirmed. */
export interface SelectedCard {
  identity: DriveIdentityData;
  confirmedLarge: boolean;
}

/** The technician's selection of target cards. */
export interface SelectionState {
  selected: ReadonlyMap<string, SelectedCard>;
  /** Selects an eligible drive (confirmedLarge must be true for a drive that needs confirmation). */
  select(d: DriveStatus, confirmedLarge?: boolean): void;
  unselect(device: string): void;
  clear(): void;
}

/**
 * Selected cards, kept in step with the live list: a selected card that disappears, changes identity or stops
 * being a target is unselected, with a notice saying so.
 */
export function useSelection(drives: DriveStatus[] | null): SelectionState {
  const { notify } = useMessages();
  const [selected, setSelected] = useState<ReadonlyMap<string, SelectedCard>>(new Map());

  useEffect(() => {
    if (drives === null || selected.size === 0) return;
    const byDevice = new Map(drives.map((d) => [d.device, d]));
    const removed: string[] = [];
    const changed: string[] = [];
    const blocked: string[] = [];
    const next = new Map(selected);
    for (const [dev, card] of selected) {
      const d = byDevice.get(dev);
      if (!d) removed.push(`${dev} (${card.identity.description})`);
      else if (!sameCard(card.identity, identityOf(d))) changed.push(dev);
      else if (!d.eligible) blocked.push(`${dev}: ${blockingText(d)}`);
      else continue;
      next.delete(dev);
    }
    if (next.size === selected.size) return;
    setSelected(next);
    if (removed.length > 0) notify(`Removed, so unselected: ${removed.join(', ')}`);
    if (changed.length > 0) notify(`The card in ${changed.join(', ')} changed since you selected it: select it again`);
    if (blocked.length > 0) notify(`No longer a target, so unselected: ${blocked.join('; ')}`);
  }, [drives, selected, notify]);

  const select = useCallback((d: DriveStatus, confirmedLarge = false) => {
    if (!d.eligible || (d.needsConfirm && !confirmedLarge)) return;
    setSelected((s) => new Map(s).set(d.device, { identity: identityOf(d), confirmedLarge }));
  }, []);
  const unselect = useCallback((device: string) => {
    setSelected((s) => {
      const n = new Map(s);
      n.delete(device);
      return n;
    });
  }, []);
  const clear = useCallback(() => setSelected(new Map()), []);
  return { selected, select, unselect, clear };
}
