/** Counts of requests served, by method and path template: what tests and benchmarks assert on. */
export interface RequestCounts {
  total: number;
  writes: number;
  rateLimited: number;
  byRoute: Record<string, number>;
  /** By rate-limit bucket: the largest share of one window's limit that was used (everyone's requests), in percent. */
  peakPercent: Record<string, number>;
}

export class RequestLog {
  private counts: RequestCounts = RequestLog.empty();

  static empty(): RequestCounts {
    return { total: 0, writes: 0, rateLimited: 0, byRoute: {}, peakPercent: {} };
  }

  record(method: string, template: string, status: number): void {
    const key = `${method} ${template}`;
    this.counts.total += 1;
    if (method !== 'GET' && method !== 'HEAD') this.counts.writes += 1;
    if (status === 429) this.counts.rateLimited += 1;
    this.counts.byRoute[key] = (this.counts.byRoute[key] ?? 0) + 1;
  }

  /** A request a bucket's window let through, with what the window had left. */
  window(bucket: string, limit: number, remaining: number): void {
    const percent = Math.round(((limit - remaining) * 1000) / limit) / 10;
    this.counts.peakPercent[bucket] = Math.max(this.counts.peakPercent[bucket] ?? 0, percent);
  }

  snapshot(): RequestCounts {
    return structuredClone(this.counts);
  }

  reset(): void {
    this.counts = RequestLog.empty();
  }
}
