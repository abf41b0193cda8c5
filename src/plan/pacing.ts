import { bucketOfPath, type OktaBucket } from './okta-paths.js';
import { requestsOf, type Plan } from './types.js';

/** Okta's rate limits are per minute (its rate-limit docs). */
const OKTA_WINDOW_MS = 60_000;

export interface PacingEstimate {
  /** The bucket that takes longest at this share. */
  bucket: OktaBucket;
  requests: number;
  limit: number;
  share: number;
  /** Minutes the bucket's requests take at this share, and at all of it. */
  minutes: number;
  minutesAtFull: number;
}

/**
 * Pure: how long a plan's Okta requests take when paced to a share of each bucket, for plans that
 * outlast one window (a smaller one is sent at once). The limits are what Okta's headers said
 * during the reads; a bucket it said nothing of is not estimated.
 */
export function pacingEstimate(plans: Plan[], share: number, limits: Partial<Record<OktaBucket, number>>): PacingEstimate | undefined {
  const counts = new Map<OktaBucket, number>();
  for (const plan of plans)
    for (const action of plan.actions)
      for (const r of action.request ? requestsOf(action) : []) {
        if (!r.path.startsWith('/api/')) continue;
        const bucket = bucketOfPath(r.path);
        counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
      }
  const windows = (requests: number, perWindow: number) => Math.ceil(requests / Math.max(1, perWindow));
  const estimates = [...counts].flatMap(([bucket, requests]) => {
    const limit = limits[bucket];
    if (!limit) return [];
    const minutes = (windows(requests, Math.floor(limit * share)) * OKTA_WINDOW_MS) / 60_000;
    return [{ bucket, requests, limit, share, minutes, minutesAtFull: (windows(requests, limit) * OKTA_WINDOW_MS) / 60_000 }];
  });
  const longest = estimates.sort((a, b) => b.minutes - a.minutes)[0];
  return longest && longest.minutes > 1 ? longest : undefined;
}

/** The estimate as the plan says it. */
export function pacingLine(e: PacingEstimate): string {
  const percent = `${Math.round(e.share * 100)}%`;
  const full = e.share < 1 ? ` At 100% it would take about ${e.minutesAtFull}, and may set off Okta's rate-limit warning to the org's admins.` : '';
  return (
    `Pacing: ${e.requests} requests to Okta's /api/v1/${e.bucket} (${e.limit} a minute at this org), at ${percent} of each limit ` +
    `(--okta-rate-share), take about ${e.minutes} minutes.${full}`
  );
}
