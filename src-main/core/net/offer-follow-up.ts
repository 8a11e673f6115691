/**
 * Which boards ignore the bench's OFFERs: a board that keeps sending DISCOVERs, each answered, and never a REQUEST
 * does not receive the answers (its NIC or driver drops them, a switch filters them).
 * Without this the bench log is silent while the console prints "BOOTP broadcast 1..17". Pure, bounded by `maxMacs`.
 */
export class OfferFollowUp {
  private readonly unanswered = new Map<string, { count: number; told: boolean }>();

  constructor(
    /** OFFERs in a row without a REQUEST before the bench says so (once per streak). */
    readonly threshold = 3,
    readonly maxMacs = 256,
  ) {}

  /** The bench sent `mac` an OFFER; returns the line to log when this makes the streak worth telling. */
  offered(mac: string, ip: string): string | null {
    const s = this.unanswered.get(mac) ?? { count: 0, told: false };
    this.unanswered.delete(mac);
    this.unanswered.set(mac, s); // most recent last
    while (this.unanswered.size > this.maxMacs) this.unanswered.delete(this.unanswered.keys().next().value!);
    s.count += 1;
    if (s.told || s.count < this.threshold) return null;
    s.told = true;
    return (
      `${mac} ignored ${s.count} OFFERs in a row (of ${ip}) and keeps sending DISCOVER: it does not receive the bench's ` +
      `answers (its NIC or bootloader drops them, or the link filters them)`
    );
  }

  /** The board sent anything but a DISCOVER (it took an offer, or renews): its streak ends. */
  answered(mac: string): void {
    this.unanswered.delete(mac);
  }
}
