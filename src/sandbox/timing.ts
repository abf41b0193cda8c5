import { systemClock, type Clock } from '../lib/clock.js';

/**
 * Real services are slower and less ordered than an emulator: Cloudflare's listings may trail its
 * writes, Okta stamps its work at another moment than the SCIM request it made, the two clocks
 * disagree, and every answer takes its own time. These options put that into the sandbox, for
 * tests and `scim-setup sandbox`; all default to 0, so that the suite stays deterministic.
 */
export interface SandboxTiming {
  /** Cloudflare's unfiltered SCIM listings (`GET /Users`, `GET /Groups`) show the account as it was up to this long ago. */
  cloudflareListingLagMs?: number;
  /** Okta stamps `lastSync` and `lastPush` this long after (+) or before (−) the SCIM request it made. */
  oktaStampOffsetMs?: number;
  /** Okta's clock minus the true time: its timestamps and its `Date` headers. */
  oktaClockSkewMs?: number;
  /** Cloudflare's clock minus the true time: its audit log and its `Date` headers. */
  cloudflareClockSkewMs?: number;
  /** Each answer of either service is delayed by a further 0 to this many ms, drawn from a seeded sequence. */
  jitterMs?: number;
  /** The jitter's seed: the same seed, the same delays. */
  jitterSeed?: number;
}

/** A service's clock: the true time (the sandbox's clock) plus its skew. */
export function serviceClock(skewMs = 0, clock: Clock = systemClock): () => number {
  return () => clock.now() + skewMs;
}

/** Delays in [0, maxMs] from a seeded generator (mulberry32): random-looking, and the same every run. */
export function jitter(maxMs = 0, seed = 1): () => number {
  let a = seed >>> 0;
  return () => {
    if (maxMs <= 0) return 0;
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * (maxMs + 1));
  };
}

/**
 * A listing that trails writes: the view is taken afresh only once the one held is older than the
 * lag, so what it shows is the state as of up to `lagMs` ago, as a replica or index would.
 */
export class TrailingListing<T> {
  private held: { at: number; items: T[] } | undefined;

  constructor(private readonly lagMs: number) {}

  read(now: number, take: () => T[]): T[] {
    if (this.lagMs <= 0) return take();
    if (!this.held || now - this.held.at >= this.lagMs) this.held = { at: now, items: take() };
    return this.held.items;
  }
}
