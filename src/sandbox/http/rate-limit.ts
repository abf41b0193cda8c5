/** Fixed-window limits per bucket and key, like Okta's per-minute and Cloudflare's per-5-minute windows. */
export interface BucketLimit {
  limit: number;
  windowMs: number;
  /** Okta's windows are calendar minutes; Cloudflare's 5 minutes run from the token's first request. */
  aligned?: boolean;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch ms when the window resets. */
  resetAt: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; used: number }>();

  constructor(
    private readonly limits: Record<string, BucketLimit>,
    private readonly now: () => number = Date.now,
  ) {}

  take(bucket: string, key: string): RateDecision | undefined {
    const limit = this.limits[bucket];
    if (!limit) return undefined;
    const id = `${bucket}\u0000${key}`;
    const t = this.now();
    let window = this.windows.get(id);
    if (!window || t - window.start >= limit.windowMs) {
      window = { start: limit.aligned ? t - (t % limit.windowMs) : t, used: 0 };
      this.windows.set(id, window);
    }
    const resetAt = window.start + limit.windowMs;
    if (window.used >= limit.limit) return { allowed: false, limit: limit.limit, remaining: 0, resetAt };
    window.used += 1;
    return { allowed: true, limit: limit.limit, remaining: limit.limit - window.used, resetAt };
  }
}

/**
 * Scale a per-window limit so that tests and benchmarks run fast: same burst, shorter window. A
 * factor below 1 lowers the burst too (a smaller org's limits, or a fleet's shared budget under strain).
 */
export function scaledLimits(base: Record<string, BucketLimit>, scale: number, factor = 1): Record<string, BucketLimit> {
  return Object.fromEntries(
    Object.entries(base).map(([name, l]) => [
      name,
      { ...l, limit: Math.max(1, Math.floor(l.limit * factor)), windowMs: Math.max(50, Math.round(l.windowMs / scale)) },
    ]),
  );
}
