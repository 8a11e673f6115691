import type { ReactNode } from 'react';
import type { LinkInfo } from './use-interfaces.js';

/** The desk link chooser of a boot check (one board or a rack): the machine's interfaces, and Refresh. */
export function LinkSelect(props: {
  id: string;
  label: string;
  value: string;
  links: LinkInfo[] | null;
  loading: boolean;
  disabled: boolean;
  onChange(name: string): void;
  onRefresh(): void;
}): ReactNode {
  return (
    <>
      <label htmlFor={props.id}>{props.label}</label>
      <div className="check-setup__row">
        <select id={props.id} className="input" value={props.value} disabled={props.disabled || !props.links} data-testid={props.id} onChange={(e) => props.onChange(e.target.value)}>
          <option value="">{props.links ? 'Choose an interface…' : 'Loading…'}</option>
          {(props.links ?? []).map((l) => (
            <option key={l.name} value={l.name}>
              {l.name} · {l.ip ?? 'no IPv4'} · {l.carrier ? 'link up' : 'no link'}
            </option>
          ))}
        </select>
        <button type="button" className="button button--small" disabled={props.disabled || props.loading} onClick={props.onRefresh}>
          Refresh
        </button>
      </div>
    </>
  );
}
