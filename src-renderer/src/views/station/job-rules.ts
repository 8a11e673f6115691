import type { StationJobData } from '../../../../src-main/api/contract.js';

/** Decimal gigabytes, as card sizes are sold ("a 32 GB card"); the settings hold bytes. */
const GB = 1e9;

/** The size limit a job is armed with: what the technician typed, never above the station's setting. */
export function sizeLimitBytes(typedGb: string, settingBytes: number): { bytes: number; capped: boolean; valid: boolean } {
  const gb = Number(typedGb);
  if (typedGb.trim() === '' || !Number.isFinite(gb) || gb <= 0) return { bytes: settingBytes, capped: false, valid: false };
  const bytes = Math.max(1, Math.round(gb * GB));
  return bytes > settingBytes ? { bytes: settingBytes, capped: true, valid: true } : { bytes, capped: false, valid: true };
}

/** Bytes as decimal GB for the input and the job line ("128", "0.01"). */
export function bytesToGb(bytes: number): string {
  return String(Number((bytes / GB).toPrecision(6)));
}

/**
 * True when this page armed the job. The station shows a browser page to every page as a label (`station <address>
 * #<6 hex>`, keyed on the id it issued the page, kept per tab so a reload stays the same client); a page learns its
 * own label from GET api/session. The desktop app and the CLI have no label and own what they arm.
 */
export function isOwnJob(job: StationJobData, label: string | undefined): boolean {
  if (label === undefined) return true;
  return label !== '' && job.armedBy === label;
}
