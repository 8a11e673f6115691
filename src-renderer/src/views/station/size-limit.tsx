import type { ReactNode } from 'react';
import { bytesToGb, sizeLimitBytes } from './job-rules.js';

/**
 * The job's size limit in GB: a card larger than it is never written. It starts at the stationSizeLimitBytes
 * setting, which it can lower but never raise (the view says so when more is typed).
 */
export function SizeLimitInput(props: { value: string; settingBytes: number | null; onChange(value: string): void }): ReactNode {
  if (props.settingBytes === null) return <p className="muted small">Reading the station's size limit…</p>;
  const { capped, valid, bytes } = sizeLimitBytes(props.value, props.settingBytes);
  const max = bytesToGb(props.settingBytes);
  return (
    <div className="field" data-testid="station-size-limit-field">
      <label>
        Size limit (GB){' '}
        <input
          type="number"
          min={0}
          step="any"
          max={max}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
          data-testid="station-size-limit"
          aria-describedby="station-size-limit-note"
        />
      </label>
      <p id="station-size-limit-note" className={capped || !valid ? 'small text-warn' : 'muted small'} data-testid="station-size-limit-note">
        {!valid
          ? `Not a size: the job uses the station's limit, ${max} GB.`
          : capped
            ? `At most ${max} GB: the station's size limit (the stationSizeLimitBytes setting) is the ceiling; the job uses ${max} GB.`
            : `A card larger than ${bytesToGb(bytes)} GB is never written. At most ${max} GB (the station's stationSizeLimitBytes setting).`}
      </p>
    </div>
  );
}
