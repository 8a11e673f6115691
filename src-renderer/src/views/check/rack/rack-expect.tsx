import type { ReactNode } from 'react';
import { KNOWN_MODELS } from '../check-steps.js';
import { expectOf, type ExpectChoice } from './expect-choice.js';

/** One model for every board, a MAC -> model map (pasted or read from a CSV file), or any walt.node.* model. */
export function RackExpectField(props: { value: ExpectChoice; disabled: boolean; onChange(c: ExpectChoice): void }): ReactNode {
  const c = props.value;
  const set = (patch: Partial<ExpectChoice>): void => props.onChange({ ...c, ...patch });
  const readFile = async (file: File | undefined): Promise<void> => {
    if (file) set({ kind: 'map', mapText: await file.text() });
  };
  const mapped = c.kind === 'map' ? expectOf(c) : null;
  return (
    <fieldset className="radio-list rack-expect" disabled={props.disabled}>
      <legend>Expected models</legend>
      <label className="radio-row">
        <input type="radio" name="rack-expect" checked={c.kind === 'model'} data-testid="rack-expect-model" onChange={() => set({ kind: 'model' })} />
        <span>One model for every board</span>
      </label>
      {c.kind === 'model' && (
        <>
          <input
            className="input input--mono"
            aria-label="Expected node model"
            list="rack-known-models"
            placeholder="rpi-4-b"
            autoComplete="off"
            spellCheck={false}
            value={c.model}
            data-testid="rack-model"
            onChange={(e) => set({ model: e.target.value })}
          />
          <datalist id="rack-known-models">
            {KNOWN_MODELS.map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
        </>
      )}
      <label className="radio-row">
        <input type="radio" name="rack-expect" checked={c.kind === 'map'} data-testid="rack-expect-map" onChange={() => set({ kind: 'map' })} />
        <span>A model per MAC (expect map, CSV mac,model)</span>
      </label>
      {c.kind === 'map' && (
        <>
          <textarea
            className="input input--mono rack-expect__map"
            aria-label="Expect map"
            rows={4}
            placeholder={'mac,model\ndc:a6:32:01:02:03,rpi-4-b'}
            spellCheck={false}
            value={c.mapText}
            data-testid="rack-map"
            onChange={(e) => set({ mapText: e.target.value })}
          />
          <input type="file" accept=".csv,.txt,text/csv,text/plain" aria-label="Read the expect map from a file" onChange={(e) => void readFile(e.target.files?.[0])} />
          {mapped?.ok && mapped.expect.kind === 'map' && (
            <span className="muted small" data-testid="rack-map-count">
              {Object.keys(mapped.expect.map).length} boards mapped: the check ends once each is decided.
            </span>
          )}
        </>
      )}
      <label className="radio-row">
        <input type="radio" name="rack-expect" checked={c.kind === 'any'} data-testid="rack-expect-any" onChange={() => set({ kind: 'any' })} />
        <span>Any walt.node.* model (check the workflow only)</span>
      </label>
    </fieldset>
  );
}
