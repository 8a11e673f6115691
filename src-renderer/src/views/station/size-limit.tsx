import type { ReactNode } from 'react';

/** Decimal gigabytes, as card sizes are sold ("a 32 GB card"); the settings hold bytes. */
const GB = 1e9;

/** The size limit a job is armed with: what the technician typed, never above the station's setting. */
export function sizeLimitBytes(typedGb: string, settingBytes: number): { bytes: number; capped: boolean; valid: boolean } {
  const gb = Number(typedGb);
  if (typedGb.trim() === '' || !Number.isFinite(gb) || gb <= 0) return { bytes: settingBytes, capped: false, valid: false };
  const bytes = Math.max(1, Math.floor(gb * GB));
  return bytes > settingBytes ? { bytes: settingBytes, capped: true, valid: true } : { bytes, capped: false, valid: true };
}

/** Bytes as decimal GB for the input and the job line ("128", "0.01"). */
export function bytesToGb(bytes: number): string {
  return String(Number((bytes / GB).toPrecision(6)));
}

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
