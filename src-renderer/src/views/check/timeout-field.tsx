import type { ReactNode } from 'react';

/** A boot check's timeout in seconds (5 to 3600; the setup says when a value is out of range). */
export function TimeoutField(props: { id: string; value: string; disabled: boolean; onChange(value: string): void }): ReactNode {
  return (
    <div className="field">
      <label htmlFor={props.id}>Timeout (s)</label>
      <input
        id={props.id}
        className="input numeric"
        type="number"
        min={5}
        max={3600}
        value={props.value}
        disabled={props.disabled}
        data-testid={props.id}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </div>
  );
}
