import { driftKey, type Drift } from '../plan/drift.js';

/**
 * Drift seen over the readings of one verification. When the run may wait, a difference is drift
 * only if a second reading, at least the settle time after the first that showed it, shows it
 * still: one reading can catch Cloudflare mid-change. With one look (no --wait) the time rule of
 * `doneBeforeReading` is all the proof there is.
 */
export class DriftSightings {
  private readonly firstSeen = new Map<string, number>();

  /** `settleMs` undefined: one look, nothing to confirm against. */
  constructor(private readonly settleMs: number | undefined) {}

  /** When the earliest drift seen but not yet confirmed may be: its first sighting plus the settle time. */
  confirmableAt(): number | undefined {
    if (this.settleMs === undefined || this.firstSeen.size === 0) return undefined;
    return Math.min(...this.firstSeen.values()) + this.settleMs;
  }

  /** The drift of this reading (taken at `now`) that is confirmed; the rest stays pending. */
  confirm(drift: Drift[], now: number): Drift[] {
    const keys = new Set(drift.map(driftKey));
    for (const key of [...this.firstSeen.keys()]) if (!keys.has(key)) this.firstSeen.delete(key);
    for (const key of keys) if (!this.firstSeen.has(key)) this.firstSeen.set(key, now);
    if (this.settleMs === undefined) return drift;
    const settle = this.settleMs;
    return drift.filter((d) => now - (this.firstSeen.get(driftKey(d)) ?? now) >= settle);
  }
}
