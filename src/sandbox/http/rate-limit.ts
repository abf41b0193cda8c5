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

/** Told once a window when a bucket passes its warning share, and once when it is spent (Okta's rate-limit events). */
export interface RateWatch {
  /** The share of a bucket past which a warning is told, in percent (Okta's default 60; an admin may set it). */
  warningPercent(): number;
  crossed(bucket: string, kind: 'warning' | 'violation', decision: RateDecision): void;
}

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; used: number; warned: boolean; violated: boolean }>();

  constructor(
    private readonly limits: Record<string, BucketLimit>,
    private readonly now: () => number = Date.now,
    private readonly watch?: RateWatch,
  ) {}

  take(bucket: string, key: string): RateDecision | undefined {
    const limit = this.limits[bucket];
    if (!limit) return undefined;
    const id = `${bucket}\u0000${key}`;
    const t = this.now();
    let window = this.windows.get(id);
    if (!window || t - window.start >= limit.windowMs) {
      window = { start: limit.aligned ? t - (t % limit.windowMs) : t, used: 0, warned: false, violated: false };
      this.windows.set(id, window);
    }
    const resetAt = window.start + limit.windowMs;
    if (window.used >= limit.limit) {
      const refused = { allowed: false, limit: limit.limit, remaining: 0, resetAt };
      if (!window.violated) {
        window.violated = true;
        this.watch?.crossed(bucket, 'violation', refused);
      }
      return refused;
    }
    window.used += 1;
    const decision = { allowed: true, limit: limit.limit, remaining: limit.limit - window.used, resetAt };
    if (this.watch && !window.warned && window.used * 100 > limit.limit * this.watch.warningPercent()) {
      window.warned = true;
      this.watch.crossed(bucket, 'warning', decision);
    }
    return decision;
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
