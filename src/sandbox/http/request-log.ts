/** Counts of requests served, by method and path template: what tests and benchmarks assert on. */
export interface RequestCounts {
  total: number;
  writes: number;
  rateLimited: number;
  byRoute: Record<string, number>;
}

export class RequestLog {
  private counts: RequestCounts = RequestLog.empty();

  static empty(): RequestCounts {
    return { total: 0, writes: 0, rateLimited: 0, byRoute: {} };
  }

  record(method: string, template: string, status: number): void {
    const key = `${method} ${template}`;
    this.counts.total += 1;
    if (method !== 'GET' && method !== 'HEAD') this.counts.writes += 1;
    if (status === 429) this.counts.rateLimited += 1;
    this.counts.byRoute[key] = (this.counts.byRoute[key] ?? 0) + 1;
  }

  snapshot(): RequestCounts {
    return structuredClone(this.counts);
  }

  reset(): void {
    this.counts = RequestLog.empty();
  }
}
